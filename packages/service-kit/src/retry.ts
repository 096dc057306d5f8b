import { setTimeout as sleep } from 'node:timers/promises';
import { errorSummary } from './errors';
import type { Logger } from './logger';

export interface BackoffOptions {
  initialDelayMs?: number;
  maxDelayMs?: number;
  factor?: number;
}

export interface RetryOptions extends BackoffOptions {
  /** What is being retried, for the log lines. */
  name: string;
  logger?: Logger;
  /** Give up after this many attempts; unlimited by default. */
  maxAttempts?: number;
  /** Stops retrying (the returned promise rejects) when aborted, e.g. at shutdown. */
  signal?: AbortSignal;
}

/**
 * Exponential backoff with jitter: the ceiling doubles each attempt up to maxDelayMs and
 * the delay is drawn between half the ceiling and the ceiling, so that many clients
 * restarting together do not retry in lock-step.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const { initialDelayMs = 200, maxDelayMs = 10_000, factor = 2 } = options;
  const ceiling = Math.min(maxDelayMs, initialDelayMs * factor ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

export async function retry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? Infinity;
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= maxAttempts) throw err;
      const delayMs = backoffDelay(attempt, options);
      options.logger?.warn(
        { attempt, delayMs, err: errorSummary(err) },
        `${options.name} not available yet (attempt ${attempt}); retrying in ${delayMs} ms`,
      );
      await sleep(delayMs, undefined, { signal: options.signal });
    }
  }
}

/** Waits, forever unless aborted, until a dependency answers; used at start-up. */
export function waitForDependency<T>(
  name: string,
  connect: () => Promise<T>,
  options: Omit<RetryOptions, 'name' | 'maxAttempts'> = {},
): Promise<T> {
  return retry(connect, { ...options, name });
}
