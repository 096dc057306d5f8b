import { z } from 'zod';

/** The variable names a config schema reads (under its refinements and transforms). */
export function configKeys(schema: z.ZodTypeAny): Set<string> {
  let inner: z.ZodTypeAny = schema;
  while (inner instanceof z.ZodEffects) inner = inner.innerType() as z.ZodTypeAny;
  if (!(inner instanceof z.ZodObject)) throw new Error('a config schema is an object schema');
  return new Set(Object.keys(inner.shape as Record<string, unknown>));
}
