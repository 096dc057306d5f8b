/**
 * `make bench-tracing`: what tracing costs on the log paths. Runs the bench harness
 * (main.ts) several times with tracing off, on (spans made, no exporter: the default), and
 * on with every span exported over OTLP to a sink in this process, in ABBA order so that a
 * machine getting busier or quieter hits every mode alike. Writes the comparison to
 * project/bench/tracing-cost.md, which every `make bench` report includes.
 *
 * Variables: BENCH_TRACING_ROUNDS (2), BENCH_ONLY (pipeline,logs), BENCH_DURATION_S (8),
 * BENCH_OUTPUT (the report whose "Tracing cost" section is replaced: BENCHMARKS.md); the
 * harness's other variables pass through (each run's own report goes to a scratch folder).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { parseConfig } from '@ms/service-kit';
import { REPO_ROOT } from '@ms/testing';
import { loadOptions } from './options';
import { type Report, replaceTracingSection } from './report/write-report';
import {
  TRACING_COST_FILE,
  type TracingMode,
  type TracingRun,
  renderTracingCost,
} from './report/tracing-cost';

/** Only the rounds are this script's own; the other BENCH_* variables are the harness's. */
const roundsSchema = z.object({
  BENCH_TRACING_ROUNDS: z.coerce.number().int().min(1).max(10).default(2),
});

const MODES: TracingMode[] = ['off', 'on', 'export'];

const log = (line: string) => console.error(`bench-tracing  ${line}`);

/** An OTLP/HTTP endpoint that accepts every export and keeps only the byte count. */
async function startSink(): Promise<{ server: Server; url: string; received: () => number }> {
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, received: () => bytes };
}

/** One harness run, awaited without blocking this process: the sink must keep answering. */
async function runHarness(
  mode: TracingMode,
  sinkUrl: string,
  dir: string,
  n: number,
): Promise<Report> {
  const json = path.join(dir, `${n}-${mode}.json`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BENCH_OUTPUT: path.join(dir, `${n}-${mode}.md`),
    BENCH_JSON: json,
    OTEL_SDK_DISABLED: mode === 'off' ? 'true' : 'false',
  };
  delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
  delete env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (mode === 'export') env.OTEL_EXPORTER_OTLP_ENDPOINT = sinkUrl;
  const child = spawn(
    process.execPath,
    [require.resolve('tsx/cli'), path.join(__dirname, 'main.ts')],
    {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the harness failed with tracing ${mode} (exit ${code})`);
  return JSON.parse(readFileSync(json, 'utf8')) as Report;
}

async function main(): Promise<void> {
  const { BENCH_TRACING_ROUNDS: rounds } = parseConfig(roundsSchema, process.env);
  process.env.BENCH_ONLY ??= 'pipeline,logs';
  process.env.BENCH_DURATION_S ??= '8';
  // The harness's own parsing: a bad BENCH_* stops here, before the first run. Its
  // outputFile (BENCH_OUTPUT) is the report whose "Tracing cost" section is replaced.
  const { smoke, outputFile } = loadOptions();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-tracing-'));
  const sink = await startSink();
  const runs: TracingRun[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? MODES : [...MODES].reverse();
      for (const mode of order) {
        log(`round ${round}/${rounds}: tracing ${mode}`);
        const before = sink.received();
        const report = await runHarness(mode, sink.url, dir, runs.length + 1);
        runs.push({ mode, round, report, exportedBytes: sink.received() - before });
      }
    }
  } finally {
    sink.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const markdown = renderTracingCost(runs);
  // A smoke run (make test) leaves project/bench/tracing-cost.md alone.
  if (!smoke) writeFileSync(TRACING_COST_FILE, markdown);
  const current = existsSync(outputFile) ? readFileSync(outputFile, 'utf8') : '';
  writeFileSync(outputFile, replaceTracingSection(current, markdown));
  console.log(markdown);
  log(
    `written to ${smoke ? '' : `${path.relative(REPO_ROOT, TRACING_COST_FILE)} and `}${outputFile}`,
  );
}

main().catch((err: unknown) => {
  log(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
