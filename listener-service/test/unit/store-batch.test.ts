import { TimeoutError, UnavailableError } from '@ms/service-kit';
import { type LogBatchResult, type LogWrite } from '@ms/service-kit/contracts';
import { type LoggerService, RefusedBatchError } from '../../src/domain/logger-service';
import { RetryPolicy } from '../../src/domain/retry-policy';
import { type PendingEntry, storeBatch } from '../../src/domain/store-batch';

/** Stores entries by event_id; can fail calls, reject entries, or refuse whole requests. */
class FakeStore implements LoggerService {
  readonly stored = new Map<string, LogWrite>();
  readonly calls: LogWrite[][] = [];
  failWith: Error | undefined;
  /** Entries (by data) the store rejects one by one. */
  readonly rejectData = new Set<string>();
  /** Requests containing an entry with this data are refused as a whole. */
  refuseRequestsWithData: string | undefined;

  async storeBatch(entries: LogWrite[]): Promise<LogBatchResult[]> {
    this.calls.push(entries);
    if (this.failWith) throw this.failWith;
    if (entries.some((entry) => entry.data === this.refuseRequestsWithData)) {
      throw new RefusedBatchError('entries: something about the request');
    }
    return entries.map((entry) => {
      if (this.rejectData.has(entry.data))
        return { status: 'rejected', error: 'data: not allowed' };
      const key = entry.event_id ?? `${entry.name}/${entry.data}`;
      if (this.stored.has(key)) return { status: 'duplicate' };
      this.stored.set(key, entry);
      return { status: 'stored' };
    });
  }
}

const retryPolicy = new RetryPolicy(3, [1000, 5000]);
const pending = (count: number, failedAttempts = 0): PendingEntry[] =>
  Array.from({ length: count }, (_, i) => ({
    entry: { name: 'n', data: `d${i}`, event_id: `e${i}` },
    failedAttempts,
  }));

describe('storeBatch', () => {
  let store: FakeStore;
  beforeEach(() => {
    store = new FakeStore();
  });

  it('stores a whole batch with one call, one stored outcome per entry in order', async () => {
    const batch = pending(3);
    const outcomes = await storeBatch(batch, { store, retryPolicy });
    expect(store.calls).toHaveLength(1);
    expect(outcomes).toEqual(
      batch.map(({ entry }) => ({ kind: 'stored', entry, duplicate: false })),
    );
  });

  it('counts an entry the store already had as stored', async () => {
    await storeBatch(pending(1), { store, retryPolicy });
    const outcomes = await storeBatch(pending(2), { store, retryPolicy });
    expect(outcomes.map((outcome) => outcome.kind === 'stored' && outcome.duplicate)).toEqual([
      true,
      false,
    ]);
    expect(store.stored.size).toBe(2);
  });

  it('dead-letters only the entries the store rejected, with its reason', async () => {
    store.rejectData.add('d1');
    const outcomes = await storeBatch(pending(3), { store, retryPolicy });
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['stored', 'dead', 'stored']);
    expect(outcomes[1]).toEqual({
      kind: 'dead',
      reason: 'rejected',
      error: 'logger refused the entry: data: not allowed',
    });
    expect([...store.stored.keys()]).toEqual(['e0', 'e2']);
  });

  it('retries every entry of a failed call, each after the delay for its own attempt count', async () => {
    store.failWith = new UnavailableError('logger service unavailable');
    const batch = [...pending(1, 0), ...pending(1, 1)];
    expect(await storeBatch(batch, { store, retryPolicy })).toEqual([
      { kind: 'retry', failedAttempts: 1, delayMs: 1000, error: 'logger service unavailable' },
      { kind: 'retry', failedAttempts: 2, delayMs: 5000, error: 'logger service unavailable' },
    ]);
  });

  it('dead-letters an entry of a failed call whose attempts are used up, retries the others', async () => {
    store.failWith = new TimeoutError('logger service timed out');
    const outcomes = await storeBatch([...pending(1, 2), ...pending(1, 0)], {
      store,
      retryPolicy,
    });
    expect(outcomes).toEqual([
      { kind: 'dead', reason: 'retries_exhausted', error: 'logger service timed out' },
      { kind: 'retry', failedAttempts: 1, delayMs: 1000, error: 'logger service timed out' },
    ]);
  });

  it('splits a refused request until the entry that causes it is rejected alone', async () => {
    store.refuseRequestsWithData = 'd5';
    const outcomes = await storeBatch(pending(8), { store, retryPolicy });
    expect(outcomes.map((outcome) => outcome.kind)).toEqual([
      'stored',
      'stored',
      'stored',
      'stored',
      'stored',
      'dead',
      'stored',
      'stored',
    ]);
    expect(outcomes[5]).toEqual({
      kind: 'dead',
      reason: 'rejected',
      error: 'logger refused the entry: entries: something about the request',
    });
    expect(store.stored.size).toBe(7);
    // 8 -> 4 (stored) + 4 -> 2 -> 1 + 1, and 2 (stored): not one call per entry.
    expect(store.calls.map((call) => call.length)).toEqual([8, 4, 4, 2, 1, 1, 2]);
  });

  it('keeps the results of the other half when one half of a split call fails', async () => {
    store.refuseRequestsWithData = 'd0';
    const original = store.storeBatch.bind(store);
    store.storeBatch = async (entries) => {
      if (entries.length === 1 && entries[0]!.data === 'd1') {
        throw new UnavailableError('logger service unavailable');
      }
      return original(entries);
    };
    const outcomes = await storeBatch(pending(4), { store, retryPolicy });
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['dead', 'retry', 'stored', 'stored']);
  });
});
