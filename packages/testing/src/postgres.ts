import { Client } from 'pg';
import { infra } from './infra';
import { eventually, uniqueName } from './wait';

/** Runs work on a short-lived admin connection to the test Postgres (database `postgres`). */
export async function withPostgresAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
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

export interface ScratchDatabase {
  name: string;
  /** The test Postgres URL pointing at this database. */
  url: string;
  /** Waits for the database's connections to close, then drops it. */
  drop(): Promise<void>;
}

/** A Postgres database of its own for one test file, so test files can run in parallel. */
export async function createScratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const name = uniqueName(prefix);
  await withPostgresAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(infra().postgresUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () =>
      withPostgresAdmin(async (client) => {
        // A pool's end() resolves before its sockets close: let them go first, so that
        // FORCE does not cut a connection a client is still listening on.
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
      }),
  };
}
