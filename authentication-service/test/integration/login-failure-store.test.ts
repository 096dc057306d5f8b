import type { Options } from 'express-rate-limit';
import { Pool } from 'pg';
import { freePort } from '@ms/testing';
import { PgLoginFailureStore } from '../../src/data/login-failure-store';
import { statements } from '../../src/data/sql';
import { type TestDatabase, createTestDatabase, requirePostgres } from '../support/test-database';

const WINDOW_MS = 1000;

describe('PgLoginFailureStore (real Postgres)', () => {
  let db: TestDatabase;
  let pools: Pool[];
  let stores: PgLoginFailureStore[];

  beforeAll(async () => {
    await requirePostgres();
    db = await createTestDatabase('auth_failures');
    await db.pool.query(statements()['create-login-failures']);
    // two stores on two pools: two instances of the service
    pools = [
      new Pool({ connectionString: db.url, max: 5 }),
      new Pool({ connectionString: db.url, max: 5 }),
    ];
    stores = pools.map((pool) => new PgLoginFailureStore(pool));
    for (const store of stores) store.init({ windowMs: WINDOW_MS } as Options);
  });

  afterAll(async () => {
    for (const store of stores ?? []) store.shutdown();
    for (const pool of pools ?? []) await pool.end();
    await db?.drop();
  });

  it('counts concurrent failures from both instances exactly, in one window', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (stores[i % 2] as PgLoginFailureStore).increment('ip|a@example.com'),
      ),
    );
    expect(results.map((r) => r.totalHits).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(new Set(results.map((r) => r.resetTime?.getTime())).size).toBe(1);
    expect((await stores[1]?.get('ip|a@example.com'))?.totalHits).toBe(20);
    await stores[0]?.decrement('ip|a@example.com');
    expect((await stores[1]?.get('ip|a@example.com'))?.totalHits).toBe(19);
    await stores[1]?.resetKey('ip|a@example.com');
    expect(await stores[0]?.get('ip|a@example.com')).toBeUndefined();
  });

  it('starts a new window once the old one ended, and sweeps ended windows', async () => {
    await stores[0]?.increment('ip|b@example.com');
    await stores[0]?.increment('ip|b@example.com');
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 100));
    expect(await stores[1]?.get('ip|b@example.com')).toBeUndefined();
    await stores[0]?.increment('ip|c@example.com');
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 100));
    await stores[1]?.sweep();
    const { rows } = await db.pool.query('SELECT key FROM login_failures ORDER BY key');
    expect(rows).toEqual([]);
    expect((await stores[1]?.increment('ip|b@example.com'))?.totalHits).toBe(1);
  });

  it('answers 503-style UnavailableError when Postgres cannot be reached, and never rejects a decrement', async () => {
    const dead = new Pool({
      connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/users`,
      connectionTimeoutMillis: 500,
    });
    const store = new PgLoginFailureStore(dead);
    store.init({ windowMs: WINDOW_MS } as Options);
    await expect(store.increment('k')).rejects.toMatchObject({ status: 503 });
    await expect(store.decrement('k')).resolves.toBeUndefined();
    store.shutdown();
    await dead.end();
  });
});
