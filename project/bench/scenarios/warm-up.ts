import type { ScenarioContext } from './scenario';

/** Unmeasured load first (JIT, connection pools), unless the run has no warm-up. */
export async function warmUp(
  context: ScenarioContext,
  ...loads: ((durationS: number) => Promise<unknown>)[]
): Promise<void> {
  if (context.options.warmupS <= 0) return;
  for (const load of loads) await load(context.options.warmupS);
}
