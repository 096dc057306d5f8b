import { eventually, infra, requireDependency, uniqueName } from '@ms/service-kit/testing';
import { Client, Pool } from 'pg';

export interface TestDatabase {
  name: string;
  url: string;
  /** A small pool on the test database, for arranging and inspecting rows. */
  pool: Pool;
  drop(): Promise<void>;
}

async function withAdminClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({
    connectionString: infra().postgresUrl,
    connectionTimeoutMillis: 5000,
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function requirePostgres(): Promise<void> {
  const { postgresUrl } = infra();
  await requireDependency('postgres', postgresUrl, () =>
    withAdminClient((c) => c.query('SELECT 1')),
  );
}

/** A database of its own for one test file, so test files can run in parallel. */
export async function createTestDatabase(prefix = 'auth_test'): Promise<TestDatabase> {
  const name = uniqueName(prefix);
  await withAdminClient((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(infra().postgresUrl);
  url.pathname = `/${name}`;
  const pool = new Pool({ connectionString: url.toString(), max: 3 });
  pool.on('error', () => undefined); // a connection cut at drop() is expected
  return {
    name,
    url: url.toString(),
    pool,
    drop: async () => {
      await pool.end();
      await withAdminClient(async (client) => {
        // pool.end() resolves before the sockets close: let every connection go first, so
        // that FORCE does not cut one a client still listens on.
        await eventually(
          async () => {
            const { rows } = await client.query<{ count: number }>(
              'SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = $1',
              [name],
            );
            return rows[0]?.count === 0;
          },
          { timeoutMs: 5000, what: `connections to ${name} to close` },
        ).catch(() => undefined);
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      });
    },
  };
}
