// A few-second run of `make bench`'s harness (project/bench), so that it cannot rot
// unnoticed. The figures are never checked: only that every scenario produced a row with
// a rate and that nothing in the harness failed. Needs the production builds (`npm run
// build`, which `make test` runs first). Its own ports (28080-28087) and, like every bench
// run, its own databases, exchange and queues, so it runs alongside the other tests.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

interface BenchRow {
  scenario: string;
  rate?: number | null;
  error?: string;
}

interface BenchReport {
  rows: BenchRow[];
  teardownFailures: string[];
}

function runHarness(
  env: NodeJS.ProcessEnv,
  script = 'project/bench/main.ts',
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), path.join(root, script)], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('make bench harness (smoke run)', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bench-smoke-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every scenario and reports a rate for each row, without a harness error', async () => {
    const markdown = path.join(dir, 'BENCHMARKS.md');
    const json = path.join(dir, 'bench.json');
    const { code, output } = await runHarness({
      BENCH_SMOKE: '1',
      BENCH_DURATION_S: '1',
      BENCH_OUTPUT: markdown,
      BENCH_JSON: json,
      BENCH_PORT_BASE: '28080',
      BENCH_ONLY: '',
      BENCH_WARMUP_S: '0',
    });
    expect({ code, output }).toEqual({ code: 0, output: expect.any(String) });

    const report = JSON.parse(readFileSync(json, 'utf8')) as BenchReport;
    const problems = report.rows
      .filter((row) => row.error !== undefined || !Number.isFinite(row.rate))
      .map((row) => `${row.scenario}: ${row.error ?? `rate ${row.rate}`}`);
    expect(problems).toEqual([]);
    expect(report.teardownFailures).toEqual([]);
    const scenarios = report.rows.map((row) => row.scenario).join('\n');
    for (const expected of [
      /event pipeline/,
      /log via http .* vs direct/,
      /log via http .* vs DB/,
      /log via rpc .* vs direct/,
      /log via rpc .* vs DB/,
      /log via grpc .* vs direct/,
      /log via grpc .* vs DB/,
      /auth logins/,
      /healthz/,
      /mail/,
      /GET \/ping/,
    ]) {
      expect(scenarios).toMatch(expected);
    }
    expect(readFileSync(markdown, 'utf8')).toContain('| scenario | rate /s |');
  }, 180_000);

  it('make bench-tracing runs the harness with tracing off, on and exporting, and the export reaches its sink', async () => {
    const markdown = path.join(dir, 'TRACING.md');
    const { code, output } = await runHarness(
      {
        BENCH_SMOKE: '1',
        BENCH_DURATION_S: '1',
        BENCH_OUTPUT: markdown,
        BENCH_PORT_BASE: '28080',
        BENCH_ONLY: 'log-http',
        BENCH_WARMUP_S: '0',
        BENCH_TRACING_ROUNDS: '1',
      },
      'project/bench/tracing-cost.ts',
    );
    expect({ code, output }).toEqual({ code: 0, output: expect.any(String) });
    const section = readFileSync(markdown, 'utf8');
    expect(section).toMatch(/^## Tracing cost/);
    // the three modes ran once each, and the exporting run's spans reached the sink
    expect(section).toMatch(/^\| 1 \| off \|/m);
    expect(section).toMatch(/^\| 2 \| on \|/m);
    const exported = /^\| 3 \| export \|.* \| ([\d,]+) KiB \|$/m.exec(section);
    expect(Number(exported?.[1]?.replace(/,/g, ''))).toBeGreaterThan(0);
    expect(section).toMatch(/^\| via http \| [\d,]+ \| [\d,]+ \| [\d.]+x \|/m);
  }, 300_000);
});
