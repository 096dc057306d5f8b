import { TimeoutError } from './errors';

/**
 * Races work against a deadline. The work receives an AbortSignal that fires at the
 * deadline so that it can stop too (fetch, driver calls that accept a signal).
 */
export async function withTimeout<T>(
  work: (signal: AbortSignal) => Promise<T>,
  ms: number,
  what: string,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // reject before aborting: work that settles on abort must not win the race
      reject(new TimeoutError(`${what} timed out after ${ms} ms`));
      controller.abort();
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
