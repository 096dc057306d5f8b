import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  compare(password: string, hash: string): Promise<boolean>;
}

export function bcryptHasher(cost: number): PasswordHasher {
  return {
    hash: (password) => bcrypt.hash(password, cost),
    compare: (password, hash) => bcrypt.compare(password, hash),
  };
}

/**
 * A hash of a random secret nobody knows, compared against when the email is unknown,
 * so that an unknown email costs the same bcrypt work as a known one.
 */
export function makeDecoyHash(hasher: PasswordHasher): Promise<string> {
  return hasher.hash(randomBytes(32).toString('base64url'));
}
