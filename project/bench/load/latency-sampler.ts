import { ErrorTally, type LoadResult, percentile } from './load-result';

export interface LatencySampler {
  /** Stops sampling, waits for the requests still out, and reports them. */
  stop(): Promise<LoadResult>;
}

/**
 * Open-loop sampling of one GET: `perSecond` requests a second at a fixed pace, whether or
 * not earlier ones have answered, so a slow answer cannot hide the ones behind it.
 */
export function sampleLatency(url: string, perSecond: number, expectStatus = 200): LatencySampler {
  const latencies: number[] = [];
  const errors = new ErrorTally();
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  const probe = () => {
    const sent = performance.now();
    const request = fetch(url, { signal: AbortSignal.timeout(5000) })
      .then(async (res) => {
        await res.arrayBuffer();
        if (res.status === expectStatus) latencies.push(performance.now() - sent);
        else errors.add(String(res.status));
      })
      .catch((err: unknown) => errors.add(err instanceof Error ? err.name : String(err)))
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
        ok: latencies.length,
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
