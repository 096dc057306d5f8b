import { randomBytes } from 'node:crypto';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  compare(password: string, hash: string): Promise<boolean>;
}

/**
 * A hash of a random secret nobody knows, compared against when the email is unknown,
 * so that an unknown email costs the same bcrypt work as a known one.
 */
export function makeDecoyHash(hasher: PasswordHasher): Promise<string> {
  return hasher.hash(randomBytes(32).toString('base64url'));
}
