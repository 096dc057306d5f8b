import type { Pool } from 'pg';
import type { UserRecord, UserRepository } from '../domain/user';
import { toDatabaseError } from './database-errors';
import { statements } from './sql';

interface UserRow {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  password: string;
  user_active: boolean;
  role: string;
  created_at: Date;
  updated_at: Date;
}

export class PgUserRepository implements UserRepository {
  constructor(private readonly pool: Pool) {}

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    try {
      const { rows } = await this.pool.query<UserRow>(statements()['find-user-by-email'], [email]);
      return rows[0] && toUserRecord(rows[0]);
    } catch (err) {
      throw toDatabaseError(err);
    }
  }
}

function toUserRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    passwordHash: row.password,
    active: row.user_active,
    role: row.role === 'admin' ? 'admin' : 'user',
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
