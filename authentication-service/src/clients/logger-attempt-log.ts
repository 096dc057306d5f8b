import { type Logger, errorSummary } from '@ms/service-kit';
import { LoggerHttpApi } from '@ms/service-kit/clients';
import type { LoginAttemptLog, LoginOutcome } from '../domain/login-attempts';

export interface LoggerAttemptLogOptions {
  loggerServiceUrl: string;
  timeoutMs: number;
  /** Beyond this many unanswered writes new ones are dropped (and logged locally). */
  maxInFlight?: number;
}

export const LOG_ENTRY_NAME = 'authentication';

export function describeAttempt(email: string, outcome: LoginOutcome): string {
  return `${outcome} login for ${email}`;
}

/**
 * Writes each attempt to the logger-service (POST /log) without making the login wait:
 * a slow or dead logger costs one warning line here, never a late or failed answer.
 */
export class LoggerServiceAttemptLog implements LoginAttemptLog {
  private readonly client: LoggerHttpApi;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly maxInFlight: number;

  constructor(
    options: LoggerAttemptLogOptions,
    private readonly logger: Logger,
  ) {
    this.client = new LoggerHttpApi({
      baseUrl: options.loggerServiceUrl,
      timeoutMs: options.timeoutMs,
    });
    this.maxInFlight = options.maxInFlight ?? 200;
  }

  record(email: string, outcome: LoginOutcome): void {
    const data = describeAttempt(email, outcome);
    if (this.inFlight.size >= this.maxInFlight) {
      this.logger.warn({ outcome, data }, 'login attempt not sent to the logger: too many pending');
      return;
    }
    const write = this.client
      .write({ name: LOG_ENTRY_NAME, data })
      .then(
        () => undefined,
        (err: unknown) => {
          this.logger.warn(
            { outcome, data, err: errorSummary(err) },
            'login attempt could not be written to the logger',
          );
        },
      )
      .finally(() => this.inFlight.delete(write));
    this.inFlight.add(write);
  }

  /** Waits for the writes already sent (each bounded by the timeout); used at shutdown. */
  async drain(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  /** Drains, then closes the connections to the logger. */
  async close(): Promise<void> {
    await this.drain();
    await this.client.close();
  }
}
