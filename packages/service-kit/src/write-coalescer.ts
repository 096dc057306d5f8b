import { TimeoutError, UnavailableError } from './errors';
import { withTimeout } from './timeout';

export interface WriteCoalescerOptions {
  /** In client-facing errors: "logger service" -> "logger service busy, try again later" (503), "logger service timed out" (504). */
  target: string;
  /** Most items in one flush (one bulk write). */
  maxBatchSize: number;
  /** Most items waiting for a flush; past it `submit` fails with UnavailableError (503). */
  maxQueued: number;
  /**
   * Flushes running at once. A second one starts only when a full batch is waiting;
   * otherwise arrivals wait for the running flush and go together in the next one.
   */
  maxConcurrentFlushes: number;
  /** Longest a caller waits, queued plus flushing: TimeoutError (504) past it. */
  timeoutMs: number;
}

interface PendingWrite<T, R> {
  item: T;
  resolve(result: R): void;
  reject(err: unknown): void;
  timer: NodeJS.Timeout;
  settled: boolean;
}

/**
 * Group commit: concurrent single writes become bulk writes with no added latency.
 * When nothing is being written, what has arrived is flushed at once (after the current
 * turn of the event loop, so writes that arrived together go together); while a flush
 * runs, arrivals queue up and leave together in the next flush. So batches grow with
 * the load by themselves: one write alone at low load, hundreds under a burst.
 *
 * Each caller gets its own outcome from `flush`'s results (same order as its items).
 * A flush that fails rejects exactly its own callers. A caller whose deadline passes is
 * answered with TimeoutError; if it was still queued, it is taken out and never written.
 */
export class WriteCoalescer<T, R> {
  private queue: PendingWrite<T, R>[] = [];
  private inFlight = 0;
  private flushScheduled = false;

  constructor(
    private readonly flush: (items: T[]) => Promise<R[]>,
    private readonly options: WriteCoalescerOptions,
  ) {}

  /** Items waiting for a flush (not counting those being written). */
  get queued(): number {
    return this.queue.length;
  }

  submit(item: T): Promise<R> {
    if (this.queue.length >= this.options.maxQueued) {
      return Promise.reject(new UnavailableError(`${this.options.target} busy, try again later`));
    }
    return new Promise<R>((resolve, reject) => {
      const write: PendingWrite<T, R> = {
        item,
        resolve,
        reject,
        settled: false,
        timer: setTimeout(() => this.expire(write), this.options.timeoutMs),
      };
      this.queue.push(write);
      this.scheduleFlush();
    });
  }

  private canStartFlush(): boolean {
    if (this.queue.length === 0) return false;
    if (this.inFlight === 0) return true;
    return (
      this.inFlight < this.options.maxConcurrentFlushes &&
      this.queue.length >= this.options.maxBatchSize
    );
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || !this.canStartFlush()) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.startFlushes();
    });
  }

  private startFlushes(): void {
    while (this.canStartFlush()) {
      void this.run(this.queue.splice(0, this.options.maxBatchSize));
    }
  }

  private async run(batch: PendingWrite<T, R>[]): Promise<void> {
    this.inFlight++;
    try {
      // Bounds the flush as well as its callers: a hung write frees its slot in time.
      const results = await withTimeout(
        () => this.flush(batch.map((write) => write.item)),
        this.options.timeoutMs,
        `${this.options.target} write`,
      );
      if (results.length !== batch.length) {
        throw new Error(`flush returned ${results.length} results for ${batch.length} items`);
      }
      batch.forEach((write, i) => settle(write, () => write.resolve(results[i]!)));
    } catch (err) {
      for (const write of batch) settle(write, () => write.reject(err));
    } finally {
      this.inFlight--;
      this.startFlushes();
    }
  }

  private expire(write: PendingWrite<T, R>): void {
    const position = this.queue.indexOf(write);
    if (position !== -1) this.queue.splice(position, 1);
    settle(write, () => write.reject(new TimeoutError(`${this.options.target} timed out`)));
  }
}

function settle<T, R>(write: PendingWrite<T, R>, answer: () => void): void {
  if (write.settled) return;
  write.settled = true;
  clearTimeout(write.timer);
  answer();
}
