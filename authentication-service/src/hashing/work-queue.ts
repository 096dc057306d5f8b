import { UnavailableError } from '@ms/service-kit';

export interface WorkQueueOptions {
  /** Tasks running at once. */
  concurrency: number;
  /** Tasks waiting for a turn; one more is refused at once. */
  maxWaiting: number;
  /** How long a task may wait for its turn before it is refused. */
  maxWaitMs: number;
  /** The message of the 503 a refused task gets. */
  busyMessage: string;
}

interface Waiter {
  start(): void;
  refuse(): void;
}

/**
 * Runs async tasks at most `concurrency` at a time, first come first served. A task
 * that finds `maxWaiting` others waiting, or waits longer than `maxWaitMs`, fails with
 * a 503 (UnavailableError) instead of queueing for minutes under a flood.
 */
export class WorkQueue {
  private running = 0;
  private readonly waiting: Waiter[] = [];
  private closed = false;
  private drained: (() => void) | undefined;

  constructor(private readonly options: WorkQueueOptions) {}

  get waitingCount(): number {
    return this.waiting.length;
  }

  get runningCount(): number {
    return this.running;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.closed) throw new UnavailableError(this.options.busyMessage);
    if (this.running >= this.options.concurrency) await this.turn();
    else this.running++;
    try {
      return await task();
    } finally {
      this.handOver();
    }
  }

  /** Refuses new and waiting tasks; resolves once the running ones have finished. */
  close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter.refuse();
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => (this.drained = resolve));
  }

  /** Resolves once a running task hands its slot over; `running` stays counted. */
  private turn(): Promise<void> {
    const { maxWaiting, maxWaitMs, busyMessage } = this.options;
    if (this.waiting.length >= maxWaiting) {
      return Promise.reject(new UnavailableError(busyMessage));
    }
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        waiter.refuse();
      }, maxWaitMs);
      const waiter: Waiter = {
        start: () => {
          clearTimeout(timer);
          resolve();
        },
        refuse: () => {
          clearTimeout(timer);
          reject(new UnavailableError(busyMessage));
        },
      };
      this.waiting.push(waiter);
    });
  }

  private handOver(): void {
    const next = this.waiting.shift();
    if (next) return next.start();
    this.running--;
    if (this.running === 0) this.drained?.();
  }
}
