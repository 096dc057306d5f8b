import path from 'node:path';
import { z } from 'zod';
import { parseConfig } from '@ms/service-kit';
import { REPO_ROOT } from '@ms/testing';

/** Every scenario the harness knows, in the order it runs them. */
export const SCENARIO_IDS = ['pipeline', 'log-http', 'log-rpc', 'log-grpc', 'auth', 'mail', 'ping'];
/** Shorthands accepted in BENCH_ONLY. */
const SCENARIO_GROUPS: Record<string, string[]> = { logs: ['log-http', 'log-rpc', 'log-grpc'] };

const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .optional()
  .transform((value) => value !== undefined && ['1', 'true', 'yes'].includes(value));
const seconds = z.coerce.number().min(0.5).max(600).optional();

const envSchema = z.object({
  BENCH_SMOKE: flag,
  BENCH_DURATION_S: seconds,
  BENCH_WARMUP_S: z.coerce.number().min(0).max(60).optional(),
  BENCH_ONLY: z.string().optional(),
  BENCH_OUTPUT: z.string().min(1).optional(),
  BENCH_JSON: z.string().min(1).optional(),
  BENCH_PORT_BASE: z.coerce.number().int().min(1024).max(65_000).optional(),
  BENCH_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug']).default('warn'),
  BENCH_DRAIN_STALL_S: seconds,
  BENCH_KEEP_LOGS: flag,
  BENCH_CPU_PROFILE: z.string().min(1).optional(),
});

export interface BenchOptions {
  /** A few-second run for `make test`: short durations, no warm-up, references once. */
  smoke: boolean;
  /** Length of each measured load run. */
  durationS: number;
  /** Length of the in-harness references (database inserts, bcrypt): "a few seconds". */
  referenceDurationS: number;
  /** Unmeasured load before each measured run, so the JIT and the pools are warm. */
  warmupS: number;
  /** Measure each reference before and after its scenario and take the mean. */
  referencesTwice: boolean;
  scenarios: string[];
  /** The markdown report (BENCHMARKS.md at the repository root unless told otherwise). */
  outputFile: string;
  jsonFile: string | undefined;
  /** First of the eight consecutive ports the stack listens on (see stack/plan.ts). */
  portBase: number;
  /** LOG_LEVEL of every service. */
  logLevel: string;
  /** The pipeline counts as drained when no new event was stored for this long. */
  drainStallS: number;
  /** Keep the services' log files even when the run succeeded. */
  keepLogs: boolean;
  /** Where each service writes a V8 CPU profile (`node --cpu-prof`), one folder per service. */
  cpuProfileDir: string | undefined;
}

export function loadOptions(env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const raw = parseConfig(envSchema, env);
  const smoke = raw.BENCH_SMOKE;
  const durationS = raw.BENCH_DURATION_S ?? (smoke ? 1 : 10);
  return {
    smoke,
    durationS,
    referenceDurationS: Math.min(durationS, 5),
    warmupS: raw.BENCH_WARMUP_S ?? (smoke ? 0 : 2),
    referencesTwice: !smoke,
    scenarios: selectedScenarios(raw.BENCH_ONLY),
    outputFile: path.resolve(raw.BENCH_OUTPUT ?? path.join(REPO_ROOT, 'BENCHMARKS.md')),
    jsonFile: raw.BENCH_JSON === undefined ? undefined : path.resolve(raw.BENCH_JSON),
    portBase: raw.BENCH_PORT_BASE ?? (smoke ? 28080 : 18080),
    logLevel: raw.BENCH_LOG_LEVEL,
    drainStallS: raw.BENCH_DRAIN_STALL_S ?? (smoke ? 15 : 30),
    keepLogs: raw.BENCH_KEEP_LOGS,
    cpuProfileDir:
      raw.BENCH_CPU_PROFILE === undefined ? undefined : path.resolve(raw.BENCH_CPU_PROFILE),
  };
}

function selectedScenarios(only: string | undefined): string[] {
  if (only === undefined || only.trim() === '') return SCENARIO_IDS;
  const wanted = new Set<string>();
  for (const item of only
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const ids = SCENARIO_GROUPS[item] ?? (SCENARIO_IDS.includes(item) ? [item] : undefined);
    if (!ids) {
      const known = [...SCENARIO_IDS, ...Object.keys(SCENARIO_GROUPS)].join(', ');
      throw new Error(`BENCH_ONLY: unknown scenario "${item}" (known: ${known})`);
    }
    ids.forEach((id) => wanted.add(id));
  }
  return SCENARIO_IDS.filter((id) => wanted.has(id));
}
