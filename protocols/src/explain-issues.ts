/**
 * Schema issues rewritten for people editing a config file: an unknown key is named with the keys
 * allowed there, an enum lists its values, an optional hint says how to write a field, and the
 * noise of a union's other branches (e.g. an RTU bus's required fields reported for a TCP bus) is
 * left out when the value's `type` says which branch it is.
 */
import type { TSchema } from 'typebox';
import type { Issue, Parser } from './validation.js';

/** [JSON pointer pattern, how to write the value there] */
export type IssueHint = [RegExp, string];

interface SchemaNode {
  properties?: Record<string, TSchema>;
  items?: TSchema;
  anyOf?: TSchema[];
  required?: string[];
  enum?: unknown[];
  const?: unknown;
}

/** The branch of a union the value belongs to, by its `type` discriminator (if it has one). */
function branch(s: SchemaNode, value: unknown): SchemaNode | undefined {
  if (!s.anyOf) return s;
  const type = (value as { type?: unknown } | null)?.type;
  return s.anyOf.find(
    (b) => ((b as SchemaNode).properties?.type as { const?: unknown } | undefined)?.const === type,
  ) as SchemaNode | undefined;
}

const typeConst = (b: TSchema) =>
  ((b as SchemaNode).properties?.type as { const?: unknown } | undefined)?.const;

/**
 * On the way to `pointer`, the first union all of whose branches have a `type` constant and whose
 * value's `type` is none of them: its pointer and the types allowed. Every issue under it is noise
 * of branches the value was never meant to be.
 */
function unmatchedUnion(
  schema: TSchema,
  pointer: string,
  root: unknown,
): { at: string; types: unknown[] } | undefined {
  let s: SchemaNode | undefined = schema as SchemaNode;
  let v = root;
  let at = '';
  for (const key of ['', ...pointer.split('/').slice(1)]) {
    if (key !== '') {
      v = (v as Record<string, unknown> | null)?.[key];
      at += `/${key}`;
      s = (s?.properties?.[key] ?? (s?.items && /^\d+$/.test(key) ? s.items : undefined)) as
        | SchemaNode
        | undefined;
    }
    if (!s) return undefined;
    if (s.anyOf) {
      const types = s.anyOf.map(typeConst);
      if (types.some((t) => t === undefined)) return undefined;
      if (!types.includes((v as { type?: unknown } | null)?.type)) return { at, types };
      s = branch(s, v);
    }
  }
  return undefined;
}

function valueAt(root: unknown, pointer: string): unknown {
  let v = root;
  for (const key of pointer.split('/').slice(1)) v = (v as Record<string, unknown> | null)?.[key];
  return v;
}

/** The schema (a union resolved by the value) at a JSON pointer, or undefined when unknown. */
function schemaAt(schema: TSchema, pointer: string, root: unknown): SchemaNode | undefined {
  let s = branch(schema as SchemaNode, root);
  let v = root;
  for (const key of pointer.split('/').slice(1)) {
    if (!s) return undefined;
    v = (v as Record<string, unknown> | null)?.[key];
    const next = s.properties?.[key] ?? (s.items && /^\d+$/.test(key) ? s.items : undefined);
    s = next ? branch(next as SchemaNode, v) : undefined;
  }
  return s;
}

export function explainIssues(
  schema: TSchema,
  value: unknown,
  raw: Issue[],
  hints: IssueHint[] = [],
): Issue[] {
  const out: Issue[] = [];
  const seen = new Set<string>();
  const push = (i: Issue) => {
    const k = `${i.path}\u0000${i.message}`;
    if (!seen.has(k)) out.push(i);
    seen.add(k);
  };
  for (const issue of raw) {
    const stray = unmatchedUnion(schema, issue.path, value);
    if (stray) {
      push({ path: `${stray.at}/type`, message: `must be one of ${stray.types.join(', ')}` });
      continue;
    }
    if (issue.message === 'must not have additional properties') continue; // named below, per key
    const cut = issue.path.lastIndexOf('/');
    if (issue.message === 'schema is false') {
      const parent = schemaAt(schema, issue.path.slice(0, cut), value);
      const key = issue.path.slice(cut + 1);
      if (parent?.properties?.[key]) continue; // allowed in this value's branch: another branch's noise
      const allowed = Object.keys(parent?.properties ?? {});
      push({
        path: issue.path,
        message: `unknown setting "${key}" (check the spelling${allowed.length ? `; allowed here: ${allowed.join(', ')}` : ''})`,
      });
      continue;
    }
    const at = schemaAt(schema, issue.path, value);
    const required = /^must have required propert(?:y|ies) (.+)$/.exec(issue.message);
    if (required && at?.required) {
      const missing = required[1]!.split(', ').filter((p) => at.required!.includes(p.replace(/'/g, '')));
      if (missing.length === 0) continue; // another branch's required fields
    }
    // Another branch's discriminator (e.g. type: rtu) when the value has this branch's.
    if (
      issue.message === 'must be equal to constant' &&
      at &&
      'const' in at &&
      at.const === valueAt(value, issue.path)
    )
      continue;
    if (issue.message === 'must be equal to one of the allowed values' && at?.enum) {
      push({
        path: issue.path,
        message: `must be one of ${at.enum.join(', ')} (got '${String(valueAt(value, issue.path))}')`,
      });
      continue;
    }
    const hint = hints.find(([re]) => re.test(issue.path))?.[1];
    push(hint ? { path: issue.path, message: `${issue.message}: write ${hint}` } : issue);
  }
  return out;
}

/** A parser whose issues are explained (see explainIssues); check and parse behave as `inner`'s. */
export function explainingParser<T>(schema: TSchema, inner: Parser<T>, hints: IssueHint[] = []): Parser<T> {
  return {
    check: inner.check,
    issues: (value: unknown) => explainIssues(schema, value, inner.issues(value), hints),
    parse: inner.parse,
  };
}
