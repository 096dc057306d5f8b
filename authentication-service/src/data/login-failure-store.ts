import { type Logger, errorSummary } from '@ms/service-kit';
import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from 'express-rate-limit';
import type { Pool } from 'pg';
import { toDatabaseError } from './database-errors';
import { type StatementName, statements } from './sql';

interface FailureRow {
  hits: number;
  reset_at: Date;
}

export interface LoginFailureStoreOptions {
  /** How often rows of ended windows are deleted. */
  sweepIntervalMs?: number;
  logger?: Logger;
}

/**
 * express-rate-limit's store in Postgres (table login_failures): the failed-login counts
 * are shared by every instance, so N replicas do not allow N times the limit. Each count
 * is one atomic upsert; rows of ended windows are swept now and then.
 */
export class PgLoginFailureStore implements Store {
  /** Counts live in the database, not in this process. */
  readonly localKeys = false;
  private windowMs = 60_000;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly pool: Pool,
    private readonly options: LoginFailureStoreOptions = {},
  ) {
    this.sweeper = setInterval(() => void this.sweep(), options.sweepIntervalMs ?? 60_000);
    this.sweeper.unref();
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const rows = await this.query<FailureRow>('get-login-failures', [key]);
    return rows[0] && { totalHits: rows[0].hits, resetTime: rows[0].reset_at };
  }

  async increment(key: string): Promise<IncrementResponse> {
    const [row] = await this.query<FailureRow>('count-login-failure', [key, this.windowMs]);
    if (!row) throw new Error('login_failures upsert returned no row');
    return { totalHits: row.hits, resetTime: row.reset_at };
  }

  /** Runs after the answer is sent (a login that did not fail): it must never reject. */
  async decrement(key: string): Promise<void> {
    try {
      await this.query('uncount-login-failure', [key]);
    } catch (err) {
      this.options.logger?.warn({ err: errorSummary(err) }, 'login failure uncount failed');
    }
  }

  async resetKey(key: string): Promise<void> {
    await this.query('forgive-login-failures', [key]);
  }

  shutdown(): void {
    clearInterval(this.sweeper);
  }

  /** Deletes the rows of ended windows; a failure only waits for the next sweep. */
  async sweep(): Promise<void> {
    try {
      await this.query('delete-expired-login-failures', []);
    } catch (err) {
      this.options.logger?.warn({ err: errorSummary(err) }, 'login failure sweep failed');
    }
  }

  private async query<R extends object>(name: StatementName, values: unknown[]): Promise<R[]> {
    try {
      return (await this.pool.query<R>(statements()[name], values)).rows;
    } catch (err) {
      throw toDatabaseError(err);
    }
  }
}
