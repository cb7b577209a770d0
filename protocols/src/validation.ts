import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

/** One problem found in an input, with a JSON pointer to where it is. */
export interface Issue {
  path: string;
  message: string;
}

/** Thrown when an input at a boundary (MQTT payload, config file, HTTP body) does not match its schema. */
export class SchemaError extends Error {
  constructor(
    readonly what: string,
    readonly issues: Issue[],
  ) {
    super(`invalid ${what}: ${issues.map((i) => `${i.path || '/'} ${i.message}`).join('; ')}`);
    this.name = 'SchemaError';
  }
}

export interface Parser<T> {
  check(value: unknown): value is T;
  /** Returns the value typed, or throws SchemaError naming each bad field. */
  parse(value: unknown): T;
  issues(value: unknown): Issue[];
}

/** Compiles a schema once (the hot ingest path validates every message) and wraps its errors. */
export function createParser<S extends TSchema>(schema: S, what: string): Parser<Static<S>> {
  const validator = Compile(schema);
  const issues = (value: unknown): Issue[] =>
    validator.Errors(value).map((e) => ({ path: e.instancePath, message: e.message }));
  return {
    check: (value: unknown): value is Static<S> => validator.Check(value),
    issues,
    parse(value: unknown): Static<S> {
      if (validator.Check(value)) return value;
      throw new SchemaError(what, issues(value).slice(0, 10));
    },
  };
}
