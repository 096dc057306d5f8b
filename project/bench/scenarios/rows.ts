import { type LoadResult, meanRate } from '../load/load-result';
import { type Row, ratioOf } from './scenario';

export interface ComparisonInput {
  scenario: string;
  result: LoadResult;
  referenceLabel: string;
  /** One or two measurements of the reference (before and after): the mean is used. */
  references: LoadResult[];
  minRatio: number;
  notes?: string[];
}

/** A row whose target is "rate >= minRatio x the reference". */
export function comparisonRow(input: ComparisonInput): Row {
  const { result, references } = input;
  const reference = meanRate(references);
  const ratio = ratioOf(result.rate, reference);
  const notes = [...(input.notes ?? [])];
  if (references.length > 1)
    notes.push(`reference runs ${references.map((r) => whole(r.rate)).join(' / ')}`);
  const refErrors = references.reduce((sum, r) => sum + r.errors, 0);
  if (refErrors > 0)
    notes.push(`reference errors ${refErrors} (${references.map((r) => r.errorKinds).join('; ')})`);
  if (result.errors > 0) notes.push(`errors: ${result.errorKinds}`);
  return {
    scenario: input.scenario,
    rate: result.rate,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    errors: result.errors,
    reference: { label: input.referenceLabel, rate: reference },
    ratio,
    target: `>= ${input.minRatio}x`,
    met: ratio === undefined ? undefined : ratio >= input.minRatio,
    notes: notes.join('; '),
  };
}

/** A row the harness could not measure. */
export function failedRow(scenario: string, target: string, err: unknown): Row {
  const message = err instanceof Error ? err.message : String(err);
  return { scenario, target, error: message.split('\n')[0]!.slice(0, 300) };
}

export function whole(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
