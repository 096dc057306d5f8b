import bcrypt from 'bcryptjs';
import { Pool } from 'pg';
import { SEED_ADMIN, migrate } from '../../src/data/migrate';
import { NativeBcryptHasher } from '../../src/hashing/native-bcrypt-hasher';
import { type TestDatabase, createTestDatabase, requirePostgres } from '../support/test-database';

// Hashed by the service's native bcrypt, checked below with bcryptjs: either reads the other's.
const passwords = new NativeBcryptHasher({
  cost: 4,
  concurrency: 1,
  maxWaiting: 10,
  maxWaitMs: 10_000,
});

describe('users schema migration (real Postgres)', () => {
  let db: TestDatabase;

  beforeAll(requirePostgres);

  beforeEach(async () => {
    db = await createTestDatabase('auth_migrate');
  });

  afterEach(async () => {
    await db.drop();
  });

  async function users() {
    const { rows } = await db.pool.query<{ email: string; password: string; user_active: boolean }>(
      'SELECT email, password, user_active FROM users ORDER BY id',
    );
    return rows;
  }

  it('creates the table and seeds the admin with a bcrypt hash of the password', async () => {
    await expect(migrate(db.pool, passwords)).resolves.toEqual({ seeded: true });

    const rows = await users();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.email).toBe(SEED_ADMIN.email);
    expect(rows[0]?.user_active).toBe(true);
    expect(rows[0]?.password).toMatch(/^\$2[aby]\$04\$/);
    expect(await bcrypt.compare('verysecret', rows[0]?.password ?? '')).toBe(true);
  });

  it('is idempotent: a second run changes nothing and seeds nothing', async () => {
    await migrate(db.pool, passwords);
    const before = await users();

    await expect(migrate(db.pool, passwords)).resolves.toEqual({ seeded: false });
    expect(await users()).toEqual(before);
  });

  it('does not seed when the table already holds users, even without the admin', async () => {
    await migrate(db.pool, passwords);
    await db.pool.query(
      "INSERT INTO users (email, password) VALUES ('someone@example.com', 'x'); DELETE FROM users WHERE email = 'admin@example.com'",
    );

    await expect(migrate(db.pool, passwords)).resolves.toEqual({ seeded: false });
    expect((await users()).map((row) => row.email)).toEqual(['someone@example.com']);
  });

  it('is safe when several instances migrate the same empty database at once', async () => {
    const pools = Array.from({ length: 5 }, () => {
      const pool = new Pool({ connectionString: db.url, max: 1 });
      pool.on('error', () => undefined);
      return pool;
    });
    try {
      const results = await Promise.all(pools.map((pool) => migrate(pool, passwords)));
      expect(results.filter((result) => result.seeded)).toHaveLength(1);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
    expect(await users()).toHaveLength(1);
  });

  it('refuses a second user with the same email in another case', async () => {
    await migrate(db.pool, passwords);
    await expect(
      db.pool.query("INSERT INTO users (email, password) VALUES ('ADMIN@example.com', 'x')"),
    ).rejects.toMatchObject({ code: '23505' });
  });
});
