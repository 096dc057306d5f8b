import { type Logger, errorSummary } from '@ms/service-kit';
import { Pool } from 'pg';

export interface PoolOptions {
  url: string;
  max: number;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
}

/** The one Postgres pool of the process; every wait on it is bounded. */
export function createPool(options: PoolOptions, logger: Logger): Pool {
  const pool = new Pool({
    connectionString: options.url,
    max: options.max,
    application_name: 'authentication-service',
    connectionTimeoutMillis: options.connectTimeoutMs,
    // Postgres cancels a slow statement; the client gives up too if the server never answers.
    statement_timeout: options.queryTimeoutMs,
    query_timeout: options.queryTimeoutMs + 1_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
  });
  // An idle client whose connection dies emits here; unhandled, it would crash the process.
  pool.on('error', (err) => {
    logger.warn({ err: errorSummary(err) }, 'idle postgres connection failed');
  });
  return pool;
}
