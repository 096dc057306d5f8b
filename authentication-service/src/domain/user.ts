import type { PublicUser } from '@ms/service-kit/contracts';
import type { Role } from '../tokens/token-issuer';

export type { Role } from '../tokens/token-issuer';

/** A row of the users table, password hash included: never leaves the service. */
export interface UserRecord {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  passwordHash: string;
  active: boolean;
  /** What the user may do in the log console; in the access token, not in the login's user fields. */
  role: Role;
  createdAt: Date;
  updatedAt: Date;
}

/** What a client sees of a user (the design's `data` of a successful login): the contract. */
export type { PublicUser } from '@ms/service-kit/contracts';

export function toPublicUser(user: UserRecord): PublicUser {
  return {
    id: user.id,
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
    active: user.active,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
  };
}

/** A successful login: the user as clients see it, and the role its token carries. */
export interface AuthenticatedUser {
  user: PublicUser;
  role: Role;
}

export interface UserRepository {
  /** Case-insensitive lookup; undefined when no user has this email. */
  findByEmail(email: string): Promise<UserRecord | undefined>;
}
