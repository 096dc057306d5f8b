import { type BatchLimits, Batcher } from '../../src/domain/batcher';

/** A send whose calls the test finishes by hand. */
class ManualSend {
  readonly batches: number[][] = [];
  private readonly finishers: (() => void)[] = [];
  readonly send = (batch: number[]): Promise<void> => {
    this.batches.push(batch);
    return new Promise((resolve) => this.finishers.push(resolve));
  };

  /** Finishes the oldest unfinished call. */
  finishNext(): void {
    this.finishers.shift()?.();
  }
}

const limits: BatchLimits = { maxEntries: 4, maxBytes: 1000, maxWaitMs: 50, maxInFlight: 2 };
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
/** Lets timers and the promise callbacks they cause run. */
const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);

describe('Batcher', () => {
  let sink: ManualSend;
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    sink = new ManualSend();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  function batcher(overrides: Partial<BatchLimits> = {}): Batcher<number> {
    return new Batcher<number>({ ...limits, ...overrides }, sink.send);
  }

  it('sends what arrived in one burst as one batch on the next turn when nothing is in flight', async () => {
    const b = batcher();
    b.add(1, 10);
    b.add(2, 10);
    b.add(3, 10);
    expect(sink.batches).toEqual([]);
    await advance(0);
    expect(sink.batches).toEqual([[1, 2, 3]]);
  });

  it('sends a full batch at once and starts the next', async () => {
    const b = batcher();
    for (const item of range(0, 6)) b.add(item, 10);
    expect(sink.batches).toEqual([[0, 1, 2, 3]]);
    await advance(0);
    // One batch in flight, a slot free: the partial rest waits for more (up to maxWaitMs).
    expect(sink.batches).toEqual([[0, 1, 2, 3]]);
    expect(b.buffered).toBe(2);
  });

  it('closes a batch before an entry would pass the byte limit; one large entry goes alone', async () => {
    const b = batcher({ maxInFlight: 5, maxWaitMs: 0 });
    b.add(1, 400);
    b.add(2, 400);
    b.add(3, 400); // 1200 > 1000: [1, 2] is closed first
    b.add(4, 5000);
    await advance(0);
    expect(sink.batches).toEqual([[1, 2], [3], [4]]);
  });

  it('keeps at most maxInFlight batches in flight; the rest waits and grows until a slot frees', async () => {
    const b = batcher({ maxEntries: 2 });
    for (const item of range(0, 4)) b.add(item, 10);
    expect(sink.batches).toEqual([
      [0, 1],
      [2, 3],
    ]);
    for (const item of range(4, 7)) b.add(item, 10);
    await advance(1000);
    expect(sink.batches).toHaveLength(2);
    expect(b.sending).toBe(2);
    expect(b.buffered).toBe(3);

    sink.finishNext();
    await advance(0);
    expect(sink.batches.slice(2)).toEqual([[4, 5]]);
    sink.finishNext();
    await advance(0);
    expect(sink.batches.slice(2)).toEqual([[4, 5], [6]]);
  });

  it('lets a partial batch wait up to maxWaitMs for more while another batch is in flight', async () => {
    const b = batcher();
    b.add(1, 10);
    await advance(0);
    expect(sink.batches).toEqual([[1]]);
    b.add(2, 10);
    await advance(30);
    b.add(3, 10);
    await advance(10);
    expect(sink.batches).toEqual([[1]]);
    await advance(15); // 55 ms after item 2 arrived
    expect(sink.batches).toEqual([[1], [2, 3]]);
  });

  it('sends a partial batch as soon as nothing is in flight any more', async () => {
    const b = batcher({ maxWaitMs: 1000 });
    b.add(1, 10);
    await advance(0);
    b.add(2, 10);
    await advance(5);
    expect(sink.batches).toEqual([[1]]);
    sink.finishNext();
    await advance(0);
    expect(sink.batches).toEqual([[1], [2]]);
  });

  it('drain sends everything buffered at once and resolves when all sends finished', async () => {
    const b = batcher({ maxWaitMs: 1000, maxEntries: 3 });
    b.add(1, 10);
    await advance(0);
    b.add(2, 10);
    let drained = false;
    const draining = b.drain().then(() => {
      drained = true;
    });
    expect(sink.batches).toEqual([[1], [2]]);
    sink.finishNext();
    await advance(0);
    expect(drained).toBe(false);
    sink.finishNext();
    await draining;
    expect(drained).toBe(true);
    expect(b.sending).toBe(0);
  });

  it('discard drops what is buffered, lets batches in flight finish', async () => {
    const b = batcher({ maxInFlight: 1, maxEntries: 2 });
    for (const item of range(0, 5)) b.add(item, 10);
    expect(b.discard()).toBe(3);
    sink.finishNext();
    await advance(1000);
    expect(sink.batches).toEqual([[0, 1]]);
    expect(b.buffered).toBe(0);
    expect(b.sending).toBe(0);
  });

  it('goes on after a send that rejected', async () => {
    const sent: number[][] = [];
    const b = new Batcher<number>({ ...limits, maxInFlight: 1 }, async (batch) => {
      sent.push(batch);
      throw new Error('send should not reject, but must not jam the batcher');
    });
    b.add(1, 10);
    await advance(0);
    b.add(2, 10);
    await advance(0);
    expect(sent).toEqual([[1], [2]]);
  });
});
