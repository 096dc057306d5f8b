import type { Logger } from '@ms/service-kit';
import type { Pool } from 'pg';
import type { PasswordHasher } from '../domain/passwords';
import { statements } from './sql';

/** The user the original system ships with; seeded only into an empty table. */
export const SEED_ADMIN = {
  email: 'admin@example.com',
  firstName: 'Admin',
  lastName: 'User',
  password: 'verysecret',
} as const;

export interface MigrationResult {
  seeded: boolean;
  /** The role column was added to an existing table (existing users 'user', the seeded admin 'admin'). */
  rolesAdded?: boolean;
}

/**
 * Creates the users and login_failures tables when missing and seeds the admin when it is empty, in one
 * transaction under an advisory lock: safe to run on every start, by many instances at once.
 */
export async function migrate(
  pool: Pool,
  passwords: PasswordHasher,
  logger?: Logger,
): Promise<MigrationResult> {
  const sql = statements();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(sql['take-migration-lock']);
    const { rows: roleColumn } = await client.query<{ needs_role: boolean }>(
      sql['has-role-column'],
    );
    await client.query(sql['create-schema']);
    // Only when the column is new: a role changed later by hand is never reset.
    const rolesAdded = roleColumn[0]?.needs_role === true;
    if (rolesAdded) {
      await client.query(sql['add-role-column']);
      await client.query(sql['promote-seed-admin'], [SEED_ADMIN.email]);
    }
    await client.query(sql['create-login-failures']);
    const { rows } = await client.query<{ count: number }>(sql['count-users']);
    const seeded = rows[0]?.count === 0;
    if (seeded) {
      const { email, firstName, lastName, password } = SEED_ADMIN;
      const hash = await passwords.hash(password);
      await client.query(sql['insert-user'], [email, firstName, lastName, hash, true, 'admin']);
    }
    await client.query('COMMIT');
    client.release();
    logger?.info(
      { seeded, rolesAdded },
      seeded ? 'users table ready; admin seeded' : 'users table ready',
    );
    return rolesAdded ? { seeded, rolesAdded } : { seeded };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release(true); // its state is unknown: do not hand it back to the pool
    throw err;
  }
}
