import { loadSigningKeys } from '../../src/tokens/signing-keys';
import { TokenIssuer, type TokenIssuerOptions } from '../../src/tokens/token-issuer';
import type { LoginAttemptLog, LoginOutcome } from '../../src/domain/login-attempts';
import type { PasswordHasher } from '../../src/domain/passwords';
import type { UserRecord, UserRepository } from '../../src/domain/user';

export function userRecord(overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id: 7,
    email: 'ada@example.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    passwordHash: 'hash:right-password',
    active: true,
    role: 'user',
    createdAt: new Date('2024-01-02T03:04:05.000Z'),
    updatedAt: new Date('2024-02-03T04:05:06.000Z'),
    ...overrides,
  };
}

export class FakeUserRepository implements UserRepository {
  lookups: string[] = [];
  failWith: Error | undefined;

  constructor(private readonly users: UserRecord[] = []) {}

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    this.lookups.push(email);
    if (this.failWith) throw this.failWith;
    return this.users.find((user) => user.email.toLowerCase() === email.toLowerCase());
  }
}

/** "hash:<password>" hashes; records every comparison so tests can count them. */
export class FakePasswordHasher implements PasswordHasher {
  comparisons: { password: string; hash: string }[] = [];
  failWith: Error | undefined;

  async hash(password: string): Promise<string> {
    return `hash:${password}`;
  }

  async compare(password: string, hash: string): Promise<boolean> {
    this.comparisons.push({ password, hash });
    if (this.failWith) throw this.failWith;
    return hash === `hash:${password}`;
  }
}

export class RecordingAttemptLog implements LoginAttemptLog {
  records: { email: string; outcome: LoginOutcome }[] = [];

  record(email: string, outcome: LoginOutcome): void {
    this.records.push({ email, outcome });
  }
}

/** A token issuer with a key made for the test (Ed25519). */
export async function testTokenIssuer(
  options: Partial<TokenIssuerOptions> = {},
): Promise<TokenIssuer> {
  return new TokenIssuer(await loadSigningKeys({}), {
    issuer: 'authentication-service',
    audience: 'log-console',
    ttlMinutes: 15,
    ...options,
  });
}
