import { UnauthorizedError } from '@ms/service-kit';
import type { Credentials } from './credentials';
import type { LoginAttemptLog } from './login-attempts';
import type { PasswordHasher } from './passwords';
import { type AuthenticatedUser, type UserRepository, toPublicUser } from './user';

export interface AuthenticatorDeps {
  users: UserRepository;
  passwords: PasswordHasher;
  attempts: LoginAttemptLog;
  /** Compared against when the email is unknown; see makeDecoyHash. */
  decoyHash: string;
}

export class Authenticator {
  constructor(private readonly deps: AuthenticatorDeps) {}

  /**
   * Unknown email, wrong password and inactive user fail the same way after the same
   * work (one lookup, one bcrypt comparison), so neither the answer nor its timing
   * tells which emails exist.
   */
  async authenticate({ email, password }: Credentials): Promise<AuthenticatedUser> {
    const { users, passwords, attempts, decoyHash } = this.deps;
    const user = await users.findByEmail(email);
    const passwordMatches = await passwords.compare(password, user?.passwordHash ?? decoyHash);
    if (!user || !passwordMatches || !user.active) {
      attempts.record(email, 'invalid');
      throw new UnauthorizedError('invalid credentials');
    }
    attempts.record(user.email, 'valid');
    return { user: toPublicUser(user), role: user.role };
  }
}
