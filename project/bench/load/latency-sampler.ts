import { ErrorTally, type LoadResult, percentile } from './load-result';

const TIMEOUT_MS = 5000;

export interface LatencySampler {
  /** Stops sampling, waits for the requests still out, and reports them. */
  stop(): Promise<LoadResult>;
}

/**
 * Open-loop sampling of one GET: `perSecond` requests a second at a fixed pace, whether or
 * not earlier ones have answered, so a slow answer cannot hide the ones behind it. A
 * request that timed out counts in the percentiles at the timeout (and as an error).
 */
export function sampleLatency(url: string, perSecond: number, expectStatus = 200): LatencySampler {
  const latencies: number[] = [];
  const errors = new ErrorTally();
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  const probe = () => {
    const sent = performance.now();
    const request = fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) })
      .then(async (res) => {
        await res.arrayBuffer();
        if (res.status === expectStatus) latencies.push(performance.now() - sent);
        else errors.add(String(res.status));
      })
      .catch((err: unknown) => {
        const kind = err instanceof Error ? err.name : String(err);
        errors.add(kind);
        // A sample that never answered still waited: leaving it out would flatter the p99.
        if (kind === 'TimeoutError') latencies.push(TIMEOUT_MS);
      })
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  };
  const timer = setInterval(probe, 1000 / perSecond);
  return {
    async stop() {
      clearInterval(timer);
      const durationS = (performance.now() - started) / 1000;
      await Promise.all(inFlight);
      latencies.sort((a, b) => a - b);
      return {
        ok: latencies.length - errors.count('TimeoutError'),
        errors: errors.total,
        errorKinds: errors.summary(),
        durationS,
        rate: latencies.length / durationS,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
      };
    },
  };
}
