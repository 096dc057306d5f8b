// The authentication service's POST /authenticate payload, which the broker's `auth` action
// forwards: one definition of each field for both.
import { z } from 'zod';
import { typeMessages } from '../validation';

export const EMAIL_MAX_LENGTH = 254;
/** bcrypt reads only the first 72 bytes; a longer password would be silently cut. */
export const PASSWORD_MAX_BYTES = 72;

const requiredString = typeMessages('must be a string');

/** Only shape and size are checked: any other string is simply a wrong credential. */
export const credentialsFields = {
  email: z
    .string(requiredString)
    .trim()
    .min(1, 'must not be empty')
    .max(EMAIL_MAX_LENGTH, `must be at most ${EMAIL_MAX_LENGTH} characters`),
  // Not trimmed: spaces can be part of a password.
  password: z
    .string(requiredString)
    .min(1, 'must not be empty')
    .refine((value) => Buffer.byteLength(value, 'utf8') <= PASSWORD_MAX_BYTES, {
      message: `must be at most ${PASSWORD_MAX_BYTES} bytes`,
    }),
};

export interface Credentials {
  email: string;
  password: string;
}
