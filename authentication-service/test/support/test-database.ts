import { createScratchDatabase } from '@ms/testing';
import { Pool } from 'pg';

export interface TestDatabase {
  name: string;
  url: string;
  /** A small pool on the test database, for arranging and inspecting rows. */
  pool: Pool;
  drop(): Promise<void>;
}

export { requirePostgres } from '@ms/testing';

/** A database of its own for one test file, so test files can run in parallel. */
export async function createTestDatabase(prefix = 'auth_test'): Promise<TestDatabase> {
  const database = await createScratchDatabase(prefix);
  const pool = new Pool({ connectionString: database.url, max: 3 });
  pool.on('error', () => undefined); // a connection cut at drop() is expected
  return {
    name: database.name,
    url: database.url,
    pool,
    drop: async () => {
      await pool.end();
      await database.drop();
    },
  };
}
