import { z } from 'zod';

/** The variable names a config schema reads (under its refinements and transforms). */
export function configKeys(schema: z.ZodTypeAny): Set<string> {
  // zod 4: a transform is a pipe whose input is the object; a refinement stays on the object.
  let inner: z.ZodTypeAny = schema;
  while (inner instanceof z.ZodPipe) inner = inner.in as z.ZodTypeAny;
  if (!(inner instanceof z.ZodObject)) throw new Error('a config schema is an object schema');
  return new Set(Object.keys(inner.shape as Record<string, unknown>));
}
