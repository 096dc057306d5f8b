/**
 * How often and how long to wait before an event that failed is tried again. Delays grow
 * with each failure (the list's last value repeats); after maxAttempts deliveries the event
 * is given up on and dead-lettered.
 */
export class RetryPolicy {
  constructor(
    readonly maxAttempts: number,
    private readonly delaysMs: readonly number[],
  ) {
    if (maxAttempts < 1) throw new RangeError('maxAttempts must be at least 1');
    if (delaysMs.length === 0) throw new RangeError('at least one retry delay is needed');
  }

  /** The wait before the next attempt after `failedAttempts` failures, or undefined when exhausted. */
  delayAfter(failedAttempts: number): number | undefined {
    if (failedAttempts >= this.maxAttempts) return undefined;
    const index = Math.min(Math.max(failedAttempts, 1), this.delaysMs.length) - 1;
    return this.delaysMs[index];
  }

  /** Every delay that can be used, once each: one retry queue per delay. */
  get distinctDelaysMs(): number[] {
    const usable = this.delaysMs.slice(0, Math.max(0, this.maxAttempts - 1));
    return [...new Set(usable)];
  }
}
