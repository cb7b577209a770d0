import { LineCounter, parseDocument } from 'yaml';
import type { Parser } from './validation.js';

/** A config file that failed validation; the message names file, line, field and reason. */
export class ConfigFileError extends Error {
  override name = 'ConfigFileError';
}

function pathSegments(pointer: string): Array<string | number> {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * Parses YAML text and validates it against a schema. Each problem is reported with the line it
 * is on (or the line of the nearest enclosing node, for a missing field), so installers can fix it.
 */
export function parseYamlConfig<T>(
  text: string,
  file: string,
  parser: Parser<T>,
  overlay?: (doc: unknown) => unknown,
): T {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new ConfigFileError(
      `${file}:${e.linePos?.[0]?.line ?? '?'}: YAML syntax error: ${e.message.split('\n')[0]}`,
    );
  }
  const raw = overlay ? overlay(doc.toJS()) : doc.toJS();
  const issues = parser.issues(raw);
  if (issues.length === 0) return raw as T;
  const lines = issues.slice(0, 10).map((issue) => {
    const segments = pathSegments(issue.path);
    let line: number | undefined;
    for (let n = segments.length; n >= 0 && line === undefined; n--) {
      const node = doc.getIn(segments.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) line = lineCounter.linePos(node.range[0]).line;
    }
    const field = segments.join('.') || '(top level)';
    return `${file}:${line ?? '?'}: ${field}: ${issue.message}`;
  });
  throw new ConfigFileError(`invalid config\n  ${lines.join('\n  ')}`);
}
