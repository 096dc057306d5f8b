import path from 'node:path';
import type { Report } from './write-report';

/** Written by `make bench-tracing`; every `make bench` report includes it. */
export const TRACING_COST_FILE = path.resolve(__dirname, '../tracing-cost.md');

export type TracingMode = 'off' | 'on' | 'export';

export interface TracingRun {
  mode: TracingMode;
  round: number;
  report: Report;
  /** OTLP bytes the sink received during the run (export mode). */
  exportedBytes: number;
}

/** The log paths compared, by the start of their row in the harness's table. */
const PATHS: { label: string; row: string }[] = [
  { label: 'event pipeline end to end', row: 'event pipeline end to end' },
  { label: 'via http', row: 'log via http through the broker (50 clients) vs DB' },
  { label: 'via rpc', row: 'log via rpc through the broker (50 clients) vs DB' },
  { label: 'via grpc', row: 'log via grpc through the broker (50 clients) vs DB' },
];

/** The most throughput tracing may cost (issue 14): on / off >= 0.9. */
const MAX_COST = 0.1;

function rateOf(report: Report, rowStart: string): number | undefined {
  return report.rows.find((row) => row.scenario.startsWith(rowStart))?.rate;
}

/** The run's own MongoDB insertOne reference: how fast the machine was during that run. */
function dbReferenceOf(report: Report): number | undefined {
  return report.rows.find((row) => row.scenario.endsWith('vs DB'))?.reference?.rate;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const fmt = (n: number | undefined) =>
  n === undefined ? '-' : Math.round(n).toLocaleString('en-US');
const ratio = (n: number | undefined) => (n === undefined ? '-' : `${n.toFixed(2)}x`);

export function renderTracingCost(runs: TracingRun[]): string {
  const first = runs[0]?.report;
  const rates = (mode: TracingMode, row: string, normalised: boolean) =>
    runs
      .filter((run) => run.mode === mode)
      .flatMap((run) => {
        const rate = rateOf(run.report, row);
        const db = dbReferenceOf(run.report);
        if (rate === undefined) return [];
        if (!normalised) return [rate];
        return db ? [rate / db] : [];
      });
  const compare = (mode: TracingMode, row: string, normalised: boolean) => {
    const base = median(rates('off', row, normalised));
    const other = median(rates(mode, row, normalised));
    return base && other !== undefined ? other / base : undefined;
  };
  const verdict = (...values: (number | undefined)[]) =>
    values.every((v) => v !== undefined && v >= 1 - MAX_COST) ? 'yes' : 'NO';

  const summary = PATHS.map(({ label, row }) => {
    const on = compare('on', row, false);
    const onNorm = compare('on', row, true);
    const exp = compare('export', row, false);
    const expNorm = compare('export', row, true);
    return (
      `| ${label} | ${fmt(median(rates('off', row, false)))} | ${fmt(median(rates('on', row, false)))} | ` +
      `${ratio(on)} | ${ratio(onNorm)} | ${verdict(on, onNorm)} | ${fmt(median(rates('export', row, false)))} | ` +
      `${ratio(exp)} | ${ratio(expNorm)} | ${verdict(exp, expNorm)} |`
    );
  });
  const perRun = runs.map(
    (run, i) =>
      `| ${i + 1} | ${run.mode} | ${run.report.info.loadAverage.toFixed(2)} | ` +
      PATHS.map(({ row }) => fmt(rateOf(run.report, row))).join(' | ') +
      ` | ${fmt(dbReferenceOf(run.report))} | ${run.mode === 'export' ? `${fmt(run.exportedBytes / 1024)} KiB` : '-'} |`,
  );
  const rounds = Math.max(0, ...runs.map((run) => run.round));
  const spreads = PATHS.flatMap(({ label, row }) => {
    const offRates = rates('off', row, false);
    if (offRates.length < 2) return [];
    return [`${label} ${Math.round((Math.max(...offRates) / Math.min(...offRates) - 1) * 100)}%`];
  });
  return [
    '## Tracing cost',
    '',
    `Measured by \`make bench-tracing\` on ${first?.info.date ?? '?'}: Node ${first?.info.node ?? '?'}, ` +
      `commit ${first?.info.commit ?? '?'}, ${rounds} round(s) of the log paths in ABBA order ` +
      `(${first?.options.durationS ?? '?'} s per load run). Modes: **off** (\`OTEL_SDK_DISABLED=true\`), ` +
      '**on** (the default: every span made and recorded, trace ids in the log lines, no exporter), ' +
      '**export** (on, and every span exported over OTLP/HTTP in batches to a sink that discards ' +
      'them). Rates are medians over the rounds; "normalised" divides each rate by the same ' +
      "run's MongoDB insertOne reference first, so a machine that got busier between runs does " +
      `not count as tracing cost. Target (issue 14): at most ${MAX_COST * 100}% throughput, i.e. >= ` +
      `${(1 - MAX_COST).toFixed(2)}x raw and normalised.`,
    '',
    '| log path | off /s | on /s | on vs off | normalised | met? | export /s | export vs off | normalised | met? |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...summary,
    '',
    ...(spreads.length
      ? [
          'Run-to-run spread of the same mode (largest over smallest rate, minus one), tracing off: ' +
            `${spreads.join(', ')}. Differences smaller than that are within this machine's noise.`,
          '',
        ]
      : []),
    'Every run:',
    '',
    `| run | tracing | load avg | ${PATHS.map((p) => p.label).join(' | ')} | DB insertOne ref | exported |`,
    `| --- | --- | --- | ${PATHS.map(() => '---').join(' | ')} | --- | --- |`,
    ...perRun,
    '',
  ].join('\n');
}
