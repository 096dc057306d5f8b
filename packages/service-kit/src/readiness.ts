import type { Logger } from './logger';
import { errorSummary } from './errors';
import { withTimeout } from './timeout';

type Check = () => Promise<unknown> | unknown;

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'ok' | 'failing'>;
  failing: string[];
}

/** The dependency checks behind GET /readyz: each must pass within its timeout. */
export class Readiness {
  private readonly checks = new Map<string, { check: Check; timeoutMs: number }>();

  constructor(private readonly logger?: Logger) {}

  add(name: string, check: Check, timeoutMs = 2000): this {
    this.checks.set(name, { check, timeoutMs });
    return this;
  }

  async run(): Promise<ReadinessReport> {
    const entries = [...this.checks.entries()];
    const results = await Promise.all(
      entries.map(async ([name, { check, timeoutMs }]) => {
        try {
          await withTimeout(async () => check(), timeoutMs, `readiness check ${name}`);
          return [name, 'ok'] as const;
        } catch (err) {
          this.logger?.warn(
            { check: name, err: errorSummary(err) },
            `readiness check ${name} failing`,
          );
          return [name, 'failing'] as const;
        }
      }),
    );
    const failing = results.filter(([, state]) => state === 'failing').map(([name]) => name);
    return { ready: failing.length === 0, checks: Object.fromEntries(results), failing };
  }
}
