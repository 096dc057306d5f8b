import { parseInput, z } from '@ms/service-kit';

export const EMAIL_MAX_LENGTH = 254;
/** bcrypt reads only the first 72 bytes; a longer password would be silently cut. */
export const PASSWORD_MAX_BYTES = 72;

const requiredString = { required_error: 'is required', invalid_type_error: 'must be a string' };

/** Only shape and size are checked: any other string is simply a wrong credential. */
export const credentialsSchema = z.object(
  {
    email: z
      .string(requiredString)
      .trim()
      .min(1, 'must not be empty')
      .max(EMAIL_MAX_LENGTH, `must be at most ${EMAIL_MAX_LENGTH} characters`),
    password: z
      .string(requiredString)
      .min(1, 'must not be empty')
      .refine((value) => Buffer.byteLength(value, 'utf8') <= PASSWORD_MAX_BYTES, {
        message: `must be at most ${PASSWORD_MAX_BYTES} bytes`,
      }),
  },
  { required_error: 'body is required', invalid_type_error: 'body must be a JSON object' },
);

export type Credentials = z.infer<typeof credentialsSchema>;

export function parseCredentials(input: unknown): Credentials {
  return parseInput(credentialsSchema, input);
}

/** The form an email is compared and rate-limited in. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
