import type { BenchOptions } from '../options';
import type { Stack } from '../stack/stack';
import type { Teardown } from '../stack/teardown';

/** One line of the results table. */
export interface Row {
  scenario: string;
  /** Requests, events, logins or sends per second. */
  rate?: number;
  p50Ms?: number;
  p99Ms?: number;
  errors?: number;
  reference?: { label: string; rate: number };
  /** rate / reference.rate */
  ratio?: number;
  target: string;
  met?: boolean;
  notes?: string;
  /** Set when the harness could not measure this row: why. */
  error?: string;
}

export interface ScenarioContext {
  options: BenchOptions;
  stack: Stack;
  teardown: Teardown;
  signal: AbortSignal;
  /** A progress line on stderr. */
  log(line: string): void;
}

export interface Scenario {
  id: string;
  /** The rows this scenario reports, named up front so that a failure still shows each one. */
  expectedRows: { scenario: string; target: string }[];
  run(context: ScenarioContext): Promise<Row[]>;
}

/** Measures a reference once, or before and after `measure` (then the mean is used). */
export async function aroundReference<R, T>(
  twice: boolean,
  reference: () => Promise<R>,
  measure: () => Promise<T>,
): Promise<{ references: R[]; result: T }> {
  const references = [await reference()];
  const result = await measure();
  if (twice) references.push(await reference());
  return { references, result };
}

export function ratioOf(rate: number, reference: number): number | undefined {
  return reference > 0 && Number.isFinite(rate) ? rate / reference : undefined;
}
