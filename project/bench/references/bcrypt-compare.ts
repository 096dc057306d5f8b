import bcrypt from 'bcryptjs';
import type { LoadResult } from '../load/load-result';
import { percentile } from '../load/load-result';

/**
 * One thread of bcryptjs: synchronous compares of the right password against a hash at
 * `cost`, back to back, for `durationS` seconds, in this process (nothing else runs meanwhile).
 */
export function measureBcryptCompares(cost: number, durationS: number): LoadResult {
  const hash = bcrypt.hashSync('verysecret', cost);
  const latencies: number[] = [];
  const started = performance.now();
  const end = started + durationS * 1000;
  let errors = 0;
  while (performance.now() < end) {
    const callStarted = performance.now();
    if (bcrypt.compareSync('verysecret', hash)) latencies.push(performance.now() - callStarted);
    else errors += 1;
  }
  const elapsedS = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    ok: latencies.length,
    errors,
    errorKinds: errors ? `mismatch x${errors}` : '',
    durationS: elapsedS,
    rate: latencies.length / elapsedS,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}
