import { ErrorTally, type LoadResult, percentile } from './load-result';

/** How much closed-loop load: the options of every measurement that runs one. */
export interface ClosedLoad {
  /** Concurrent callers; each makes one call at a time, the next as soon as the last answered. */
  callers: number;
  durationS: number;
  signal?: AbortSignal;
}

/**
 * A closed-loop load generator for protocols autocannon does not speak (JSON-RPC over
 * TCP, gRPC, SMTP, in-process calls): N callers for D seconds. Calls still running at the
 * end are awaited and counted; the rate is over the time until the last one answered.
 */
export async function closedLoop(
  options: ClosedLoad,
  /** One call; `caller` is the caller's index (0..callers-1). Throws when the call failed. */
  call: (caller: number) => Promise<void>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const errors = new ErrorTally();
  let ok = 0;
  const started = performance.now();
  const end = started + options.durationS * 1000;
  const caller = async (index: number) => {
    while (performance.now() < end && !options.signal?.aborted) {
      const callStarted = performance.now();
      try {
        await call(index);
        ok += 1;
        latencies.push(performance.now() - callStarted);
      } catch (err) {
        errors.add(errorKind(err));
      }
    }
  };
  await Promise.all(Array.from({ length: options.callers }, (_, i) => caller(i)));
  const durationS = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    ok,
    errors: errors.total,
    errorKinds: errors.summary(),
    durationS,
    rate: ok / durationS,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

function errorKind(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' || typeof code === 'number'
    ? String(code)
    : err.message.slice(0, 60);
}
