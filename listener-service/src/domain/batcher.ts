export interface BatchLimits {
  /** Most items in one batch. */
  maxEntries: number;
  /** A batch is closed before an item would take it past this weight (one item always fits). */
  maxBytes: number;
  /** How long a partial batch may wait for more items while another batch is being sent. */
  maxWaitMs: number;
  /** Batches being sent at once. */
  maxInFlight: number;
}

/**
 * Groups items into batches and hands each to `send`, at most `maxInFlight` at a time.
 * When a batch goes:
 * - full (maxEntries, or maxBytes reached): as soon as a slot is free;
 * - partial, nothing in flight: as soon as the items at hand are added (on the next turn of
 *   the event loop, so a burst of deliveries read in one go travels together): an idle
 *   pipeline adds no latency;
 * - partial, a batch in flight and a slot free: once it is `maxWaitMs` old, or at once when
 *   nothing is in flight any more; meanwhile it fills up;
 * - all slots busy: it fills up until a slot is free.
 * So batches grow with the load by themselves: the slower a send, the more items wait.
 */
export class Batcher<T> {
  private open: T[] = [];
  private openBytes = 0;
  private openSince = 0;
  private readonly full: T[][] = [];
  private inFlight = 0;
  private burstOver = true;
  private burstCheck: NodeJS.Immediate | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;
  private draining = false;
  private idleWaiters: (() => void)[] = [];

  /** `send` must settle every item itself and never reject. */
  constructor(
    private readonly limits: BatchLimits,
    private readonly send: (batch: T[]) => Promise<void>,
  ) {}

  /** Items added but not yet handed to `send`. */
  get buffered(): number {
    return this.open.length + this.full.reduce((sum, batch) => sum + batch.length, 0);
  }

  /** Batches handed to `send` that have not finished. */
  get sending(): number {
    return this.inFlight;
  }

  add(item: T, bytes: number): void {
    const { maxEntries, maxBytes } = this.limits;
    if (this.open.length > 0 && this.openBytes + bytes > maxBytes) this.seal();
    if (this.open.length === 0) this.openSince = performance.now();
    this.open.push(item);
    this.openBytes += bytes;
    if (this.open.length >= maxEntries || this.openBytes >= maxBytes) this.seal();
    this.burstOver = false;
    this.burstCheck ??= setImmediate(() => {
      this.burstCheck = undefined;
      this.burstOver = true;
      this.pump();
    });
    this.pump();
  }

  /** From now on sends whatever is buffered as soon as a slot is free; resolves once idle. */
  drain(): Promise<void> {
    this.draining = true;
    this.pump();
    if (this.isIdle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops every buffered item, unsent (batches in flight go on); returns how many. */
  discard(): number {
    const dropped = this.buffered;
    this.open = [];
    this.openBytes = 0;
    this.full.length = 0;
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    this.pump();
    return dropped;
  }

  private get isIdle(): boolean {
    return this.inFlight === 0 && this.open.length === 0 && this.full.length === 0;
  }

  private seal(): void {
    if (this.open.length === 0) return;
    this.full.push(this.open);
    this.open = [];
    this.openBytes = 0;
  }

  private pump(): void {
    while (this.inFlight < this.limits.maxInFlight) {
      if (this.full.length === 0 && this.open.length > 0 && this.openMayGo()) this.seal();
      const batch = this.full.shift();
      if (!batch) break;
      this.dispatch(batch);
    }
    this.armLinger();
    if (this.isIdle) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private openMayGo(): boolean {
    if (this.draining) return true;
    if (this.inFlight === 0) return this.burstOver;
    return performance.now() - this.openSince >= this.limits.maxWaitMs;
  }

  /** Wakes up when the open batch is old enough to use a free slot next to a busy one. */
  private armLinger(): void {
    const waiting =
      this.open.length > 0 && this.inFlight > 0 && this.inFlight < this.limits.maxInFlight;
    if (!waiting || this.lingerTimer) return;
    const remaining = this.openSince + this.limits.maxWaitMs - performance.now();
    this.lingerTimer = setTimeout(
      () => {
        this.lingerTimer = undefined;
        this.pump();
      },
      Math.max(0, Math.ceil(remaining)),
    );
  }

  private dispatch(batch: T[]): void {
    this.inFlight++;
    this.send(batch)
      .catch(() => undefined) // send settles its items itself; nothing is left to do here
      .finally(() => {
        this.inFlight--;
        this.pump();
      });
  }
}
