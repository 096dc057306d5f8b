// What the authentication service answers for a successful login (the design's `data`), and
// what the broker passes on.
import { z } from 'zod';

export interface PublicUser {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  active: boolean;
  created_at: string;
  updated_at: string;
}

/**
 * What the broker requires of a login reply before it answers "Authenticated!": a user with
 * an id and an email, so a broken reply is a 502, never a success. Other fields pass through
 * as sent (the Go original's service names its flag `user_active`, a number), except a
 * password, which never leaves the broker.
 */
export const loginReplyUserSchema = z
  .object({ id: z.number().int(), email: z.string().min(1) })
  .loose()
  .transform(({ password: _password, ...user }) => user);

export type LoginReplyUser = z.infer<typeof loginReplyUserSchema>;
