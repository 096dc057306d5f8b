import type { z } from 'zod';
import { ValidationError } from './errors';

/**
 * Parses input with a zod schema; on failure throws a 400 whose message names the
 * first offending field, e.g. `auth.email: Required`.
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
