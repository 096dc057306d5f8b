import type { z } from 'zod';
import { ValidationError } from './errors';

/**
 * zod's `error` parameter for a schema's type check, with the design's messages: `required`
 * when the value is absent, `invalid` when it has the wrong type, e.g.
 * `z.string(typeMessages('must be a string'))`. (zod 4's replacement for zod 3's
 * `required_error` / `invalid_type_error`; other checks keep their own message argument.)
 */
export function typeMessages(
  invalid: string,
  required = 'is required',
): { error: (issue: { input?: unknown }) => string } {
  return { error: (issue) => (issue.input === undefined ? required : invalid) };
}

/**
 * Parses input with a zod schema; on failure throws a 400 whose message names the
 * first offending field, e.g. `auth.email: is required`.
 */
export function parseInput<S extends z.ZodTypeAny>(
  schema: S,
  input: unknown,
  prefix = '',
): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = [prefix, ...(issue?.path ?? [])].filter((part) => part !== '').join('.');
  const message = issue?.message ?? 'invalid input';
  throw new ValidationError(path ? `${path}: ${message}` : message);
}
