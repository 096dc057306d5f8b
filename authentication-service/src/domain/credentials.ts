import { z } from 'zod';
import { parseInput, typeMessages } from '@ms/service-kit';
import { type Credentials, credentialsFields } from '@ms/service-kit/contracts';

export type { Credentials } from '@ms/service-kit/contracts';

export const credentialsSchema = z.object(
  credentialsFields,
  typeMessages('body must be a JSON object', 'body is required'),
);

export function parseCredentials(input: unknown): Credentials {
  return parseInput(credentialsSchema, input);
}

/** The form an email is compared and rate-limited in. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
