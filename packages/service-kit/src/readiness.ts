import type { Logger } from './logger';
import { errorSummary } from './errors';
import { withTimeout } from './timeout';

type Check = () => Promise<unknown> | unknown;

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'ok' | 'failing'>;
  failing: string[];
  /** What `describe` added: reported in /readyz's data, never a reason to be unready. */
  details: Record<string, unknown>;
}

/** The dependency checks behind GET /readyz: each must pass within its timeout. */
export class Readiness {
  private readonly checks = new Map<string, { check: Check; timeoutMs: number }>();
  private readonly describers = new Map<string, () => unknown>();

  constructor(private readonly logger?: Logger) {}

  add(name: string, check: Check, timeoutMs = 2000): this {
    this.checks.set(name, { check, timeoutMs });
    return this;
  }

  /** Adds `data[name]` to /readyz's answer (e.g. circuit breaker states); it never fails readiness. */
  describe(name: string, describe: () => unknown): this {
    this.describers.set(name, describe);
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
    const details = Object.fromEntries(
      [...this.describers.entries()].map(([name, describe]) => [name, describe()]),
    );
    return { ready: failing.length === 0, checks: Object.fromEntries(results), failing, details };
  }
}
