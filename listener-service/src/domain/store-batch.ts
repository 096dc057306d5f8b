import { errorSummary } from '@ms/service-kit';
import { type LogBatchResult, type LogWrite } from '@ms/service-kit/contracts';
import { type LoggerService, RefusedBatchError } from './logger-service';
import type { Outcome } from './outcome';
import type { RetryPolicy } from './retry-policy';

/** A parsed event waiting to be stored, with the failed deliveries it had before this one. */
export interface PendingEntry {
  entry: LogWrite;
  failedAttempts: number;
}

export interface StoreBatchDeps {
  store: LoggerService;
  retryPolicy: RetryPolicy;
}

/** A result of the store, or `failed` when nothing certain is known about the entry. */
type EntryResult = LogBatchResult | { status: 'failed'; error: string };

/**
 * Stores a batch with one store call and decides, per entry and in order, what happens to
 * its delivery: stored (or already stored), dead-lettered (the store rejected it), or
 * retried after a delay (the call failed: nothing is certain, and since the store keeps
 * event ids unique, sending an entry again is safe). Never throws.
 */
export async function storeBatch(
  pending: PendingEntry[],
  deps: StoreBatchDeps,
): Promise<Outcome[]> {
  const results = await storeSplittingRefusals(
    pending.map((item) => item.entry),
    deps.store,
  );
  return pending.map((item, index) => outcomeOf(item, results[index], deps.retryPolicy));
}

/**
 * A refusal of the whole request (which the listener's own validation should make
 * impossible: a contract mismatch or a lower body limit on the logger) must not take good
 * entries down with a bad one: the batch is split in halves until each refused part is a
 * single entry, which is then rejected on its own. Costs at most 2n-1 calls, only then.
 */
async function storeSplittingRefusals(
  entries: LogWrite[],
  store: LoggerService,
): Promise<EntryResult[]> {
  try {
    return await store.storeBatch(entries);
  } catch (err) {
    if (!(err instanceof RefusedBatchError)) {
      const error = errorSummary(err);
      return entries.map(() => ({ status: 'failed', error }));
    }
    if (entries.length === 1) return [{ status: 'rejected', error: errorSummary(err) }];
    const half = Math.ceil(entries.length / 2);
    const first = await storeSplittingRefusals(entries.slice(0, half), store);
    const second = await storeSplittingRefusals(entries.slice(half), store);
    return [...first, ...second];
  }
}

function outcomeOf(
  item: PendingEntry,
  result: EntryResult | undefined,
  retryPolicy: RetryPolicy,
): Outcome {
  switch (result?.status) {
    case 'stored':
    case 'duplicate':
      return { kind: 'stored', entry: item.entry, duplicate: result.status === 'duplicate' };
    case 'rejected':
      return {
        kind: 'dead',
        reason: 'rejected',
        error: `logger refused the entry: ${result.error ?? 'no reason given'}`,
      };
    default: {
      const error = result?.error ?? 'logger service sent no result for the entry';
      const failedAttempts = item.failedAttempts + 1;
      const delayMs = retryPolicy.delayAfter(failedAttempts);
      if (delayMs === undefined) return { kind: 'dead', reason: 'retries_exhausted', error };
      return { kind: 'retry', failedAttempts, delayMs, error };
    }
  }
}
