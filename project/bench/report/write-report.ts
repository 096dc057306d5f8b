import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchOptions } from '../options';
import type { Row } from '../scenarios/scenario';
import type { RunInfo } from './run-info';
import { markdownTable } from './table';
import { TRACING_COST_FILE } from './tracing-cost';

export interface Report {
  runId: string;
  info: RunInfo;
  options: BenchOptions;
  rows: Row[];
  /** Problems undoing the run (a database not dropped, ...). */
  teardownFailures: string[];
}

/** The hand-written analysis of the last investigation, copied under every table. */
const ANALYSIS_FILE = path.resolve(__dirname, '../what-is-left.md');

export function renderMarkdown({ info, options, rows, teardownFailures }: Report): string {
  const analysis = existsSync(ANALYSIS_FILE) ? readFileSync(ANALYSIS_FILE, 'utf8').trim() : '';
  const tracingCost = existsSync(TRACING_COST_FILE)
    ? readFileSync(TRACING_COST_FILE, 'utf8').trim()
    : '';
  const missed = rows.filter((row) => row.met === false).map((row) => row.scenario);
  const unmeasured = rows.filter((row) => row.error !== undefined).map((row) => row.scenario);
  return [
    '# Benchmarks',
    '',
    `Measured by \`make bench\` (project/bench) on ${info.date}: ${info.cores} cores (${info.cpu}), ` +
      `Node ${info.node}, commit ${info.commit}, load average ${info.loadAverage.toFixed(2)} at the start.`,
    `Production builds (\`node dist/main.js\`, NODE_ENV=production, LOG_LEVEL=${options.logLevel}) on the local ` +
      `infrastructure; ${options.durationS} s per load run${options.warmupS ? ` after ${options.warmupS} s of warm-up` : ''}; ` +
      `references measured in the same run${options.referencesTwice ? ', before and after their scenario (mean)' : ''}.` +
      (options.smoke ? ' **Smoke run: the figures mean nothing.**' : ''),
    '',
    markdownTable(rows),
    '',
    missed.length === 0 && unmeasured.length === 0
      ? 'Every target met.'
      : [
          missed.length ? `Missed: ${missed.join('; ')}.` : '',
          unmeasured.length ? `Not measured: ${unmeasured.join('; ')}.` : '',
        ]
          .filter(Boolean)
          .join(' '),
    ...(teardownFailures.length ? ['', `Clean-up problems: ${teardownFailures.join('; ')}.`] : []),
    '',
    'Rates are per second; p50/p99 are the latencies of the measured calls (for the pipeline: ' +
      'of the publish). The machine is shared and busy: treat single figures as rough and ' +
      'compare ratios, which are measured side by side in the same run. See project/bench/README.md.',
    '',
    ...(analysis && !options.smoke ? [analysis, ''] : []),
    ...(tracingCost && !options.smoke ? [tracingCost, ''] : []),
  ].join('\n');
}

export function writeReport(report: Report): void {
  mkdirSync(path.dirname(report.options.outputFile), { recursive: true });
  writeFileSync(report.options.outputFile, renderMarkdown(report));
  if (report.options.jsonFile) {
    mkdirSync(path.dirname(report.options.jsonFile), { recursive: true });
    writeFileSync(report.options.jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  }
}

/** Puts a `## Tracing cost` section (make bench-tracing) in place of the file's own, or at its end. */
export function replaceTracingSection(markdown: string, section: string): string {
  const start = markdown.indexOf('## Tracing cost');
  if (markdown.trim() === '') return `${section.trim()}\n`;
  if (start < 0) return `${markdown.trimEnd()}\n\n${section.trim()}\n`;
  const next = markdown.indexOf('\n## ', start + 1);
  const rest = next < 0 ? '' : markdown.slice(next);
  return `${markdown.slice(0, start)}${section.trim()}\n${rest}`;
}
