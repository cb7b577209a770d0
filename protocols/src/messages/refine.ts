import { type Issue, type Parser, SchemaError } from '../validation.js';

/**
 * Adds rules a JSON schema expresses badly (one field required depending on another) to a parser.
 * Unions would express them, but their errors list every branch; a rule names the one field.
 */
export function withRules<T>(base: Parser<T>, what: string, rules: (value: T) => Issue[]): Parser<T> {
  const issues = (value: unknown): Issue[] => {
    const schemaIssues = base.issues(value);
    return schemaIssues.length > 0 ? schemaIssues : rules(value as T);
  };
  return {
    check: (value: unknown): value is T => base.check(value) && rules(value).length === 0,
    issues,
    parse(value: unknown): T {
      const found = issues(value);
      if (found.length === 0) return value as T;
      throw new SchemaError(what, found.slice(0, 10));
    },
  };
}
