import { setImmediate as nextTurn } from 'node:timers/promises';
import { TimeoutError, UnavailableError } from '@ms/service-kit';
import { WriteCoalescer, type WriteCoalescerOptions } from '../src/write-coalescer';

/** A flush the test answers by hand: each call waits until the test resolves or rejects it. */
class ManualFlush {
  readonly calls: {
    items: string[];
    resolve(results: string[]): void;
    reject(err: unknown): void;
  }[] = [];

  readonly flush = (items: string[]) =>
    new Promise<string[]>((resolve, reject) => this.calls.push({ items, resolve, reject }));

  /** Answers call `n` with "stored:<item>" for every item. */
  succeed(n: number): void {
    const call = this.calls[n]!;
    call.resolve(call.items.map((item) => `stored:${item}`));
  }
}

function setup(options: Partial<WriteCoalescerOptions> = {}) {
  const flush = new ManualFlush();
  const coalescer = new WriteCoalescer(flush.flush, {
    target: 'log store',
    maxBatchSize: 100,
    maxQueued: 1000,
    maxConcurrentFlushes: 1,
    timeoutMs: 5000,
    ...options,
  });
  return { flush, coalescer };
}

/** Lets scheduled flushes start and settled promises run their continuations. */
const settle = async () => {
  for (let i = 0; i < 3; i++) await nextTurn();
};

describe('WriteCoalescer', () => {
  it('flushes a lone write at once, on its own', async () => {
    const { flush, coalescer } = setup();
    const result = coalescer.submit('a');
    await settle();
    expect(flush.calls.map((call) => call.items)).toEqual([['a']]);
    flush.succeed(0);
    await expect(result).resolves.toBe('stored:a');
  });

  it('sends writes that arrive together in one flush, each caller getting its own result', async () => {
    const { flush, coalescer } = setup();
    const results = ['a', 'b', 'c'].map((item) => coalescer.submit(item));
    await settle();
    expect(flush.calls.map((call) => call.items)).toEqual([['a', 'b', 'c']]);
    flush.calls[0]!.resolve(['one', 'two', 'three']);
    await expect(Promise.all(results)).resolves.toEqual(['one', 'two', 'three']);
  });

  it('queues writes that arrive during a flush and sends them together in the next', async () => {
    const { flush, coalescer } = setup();
    const first = coalescer.submit('a');
    await settle();
    const later = ['b', 'c', 'd'].map((item) => coalescer.submit(item));
    await settle();
    expect(flush.calls).toHaveLength(1);
    expect(coalescer.queued).toBe(3);

    flush.succeed(0);
    await settle();
    expect(flush.calls.map((call) => call.items)).toEqual([['a'], ['b', 'c', 'd']]);
    flush.succeed(1);
    await expect(first).resolves.toBe('stored:a');
    await expect(Promise.all(later)).resolves.toEqual(['stored:b', 'stored:c', 'stored:d']);
  });

  it('fails exactly the callers of a failed flush; the next flush succeeds', async () => {
    const { flush, coalescer } = setup();
    const first = coalescer.submit('a');
    await settle();
    const later = ['b', 'c'].map((item) => coalescer.submit(item));
    const failure = new UnavailableError('log store unavailable');
    flush.calls[0]!.reject(failure);
    await expect(first).rejects.toBe(failure);

    await settle();
    expect(flush.calls[1]!.items).toEqual(['b', 'c']);
    flush.succeed(1);
    await expect(Promise.all(later)).resolves.toEqual(['stored:b', 'stored:c']);
  });

  it('splits what is queued into batches of at most maxBatchSize', async () => {
    const { flush, coalescer } = setup({ maxBatchSize: 3 });
    const results = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((item) => coalescer.submit(item));
    await settle();
    flush.succeed(0);
    await settle();
    flush.succeed(1);
    await settle();
    flush.succeed(2);
    expect(flush.calls.map((call) => call.items)).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e', 'f'],
      ['g'],
    ]);
    expect(await Promise.all(results)).toHaveLength(7);
  });

  it('starts another flush while one runs only when a full batch waits', async () => {
    const { flush, coalescer } = setup({ maxBatchSize: 2, maxConcurrentFlushes: 2 });
    const results = [coalescer.submit('a')];
    await settle();
    results.push(coalescer.submit('b'));
    await settle();
    expect(flush.calls).toHaveLength(1); // 'b' alone is not a full batch: it waits
    results.push(coalescer.submit('c'));
    await settle();
    expect(flush.calls.map((call) => call.items)).toEqual([['a'], ['b', 'c']]);
    results.push(coalescer.submit('d'), coalescer.submit('e'));
    await settle();
    expect(flush.calls).toHaveLength(2); // two flushes run: the limit

    flush.succeed(0);
    await settle();
    expect(flush.calls[2]!.items).toEqual(['d', 'e']);
    flush.succeed(1);
    flush.succeed(2);
    expect(await Promise.all(results)).toHaveLength(5);
  });

  it('refuses writes with UnavailableError once maxQueued are waiting, and accepts again after', async () => {
    const { flush, coalescer } = setup({ maxQueued: 2 });
    void coalescer.submit('in flight');
    await settle();
    const queued = [coalescer.submit('b'), coalescer.submit('c')];
    await expect(coalescer.submit('d')).rejects.toBeInstanceOf(UnavailableError);

    flush.succeed(0);
    await settle();
    const accepted = coalescer.submit('e');
    flush.succeed(1);
    await settle();
    flush.succeed(2);
    await expect(Promise.all([...queued, accepted])).resolves.toEqual([
      'stored:b',
      'stored:c',
      'stored:e',
    ]);
  });

  it('answers TimeoutError in time; a write that timed out while queued is never written', async () => {
    // Batches of one: 'queued' waits behind the hung flush until its deadline passes.
    const { flush, coalescer } = setup({ timeoutMs: 100, maxBatchSize: 1 });
    const hung = coalescer.submit('hung');
    const queued = coalescer.submit('queued');
    await settle();
    expect(coalescer.queued).toBe(1);
    await expect(hung).rejects.toBeInstanceOf(TimeoutError);
    await expect(queued).rejects.toBeInstanceOf(TimeoutError);
    expect(coalescer.queued).toBe(0);

    // The hung flush's slot frees when its own deadline passes (a moment after the callers'
    // deadlines): then a new write is flushed, alone.
    const fresh = coalescer.submit('fresh');
    fresh.catch(() => undefined); // a failed expectation below must not leave it unhandled
    for (const start = Date.now(); flush.calls.length < 2 && Date.now() - start < 1000;) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(flush.calls.map((call) => call.items)).toEqual([['hung'], ['fresh']]);
    flush.succeed(1);
    await expect(fresh).resolves.toBe('stored:fresh');
  });

  it('rejects the callers when a flush answers the wrong number of results', async () => {
    const { flush, coalescer } = setup();
    const results = [coalescer.submit('a'), coalescer.submit('b')];
    await settle();
    flush.calls[0]!.resolve(['only one']);
    await expect(results[0]).rejects.toThrow(/1 results for 2 items/);
    await expect(results[1]).rejects.toThrow(/1 results for 2 items/);
  });
});
