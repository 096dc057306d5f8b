/** What every load run reports, whichever generator produced it. */
export interface LoadResult {
  /** Calls that got the expected answer. */
  ok: number;
  /** Calls that failed: wrong status, transport error, timeout. */
  errors: number;
  /** The most frequent kinds of error, e.g. "503 x12, ECONNRESET x1". */
  errorKinds: string;
  durationS: number;
  /** ok / durationS */
  rate: number;
  p50Ms: number;
  p99Ms: number;
}

/** Nearest-rank percentile of an ascending array (NaN when empty). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Counts of error kinds, most frequent first, as one short line. */
export class ErrorTally {
  private readonly counts = new Map<string, number>();
  total = 0;

  add(kind: string, count = 1): void {
    if (count <= 0) return;
    this.total += count;
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + count);
  }

  count(kind: string): number {
    return this.counts.get(kind) ?? 0;
  }

  summary(max = 3): string {
    return [...this.counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, max)
      .map(([kind, count]) => `${kind} x${count}`)
      .join(', ');
  }
}

/** The mean of two measurements of one reference (before and after), or the one there is. */
export function meanRate(results: LoadResult[]): number {
  return results.reduce((sum, r) => sum + r.rate, 0) / results.length;
}
