// What the authentication service answers for a successful login (the design's `data`), and
// what the broker passes on: checked on the way in, so a broken reply is a 502, never a
// success.
import { z } from 'zod';

export const publicUserSchema = z.object({
  id: z.number().int(),
  email: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  active: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});

export type PublicUser = z.infer<typeof publicUserSchema>;
