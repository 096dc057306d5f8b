// Tracing's switches, on a real service process (the logger, from source as `make dev`
// runs it): without OTEL_EXPORTER_OTLP_ENDPOINT spans are made (trace ids in the log lines)
// but nothing is exported and nothing dialled; with it, spans reach the endpoint; with
// OTEL_SDK_DISABLED=true there is no tracing at all. Every outgoing TCP connection of the
// process is recorded by a preloaded script (support/record-dials.cjs).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  OtlpReceiver,
  REPO_ROOT,
  eventually,
  infra,
  loggerEnv,
  requireMongo,
  uniqueName,
  waitUntilReady,
  withMongo,
} from '@ms/testing';
import { CALLER_SPAN_ID, postTraced } from './support/traced-post';

jest.setTimeout(120_000);

const database = uniqueName('tracing_switch');
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

interface Run {
  lines: Record<string, unknown>[];
  /** Ports of every outgoing TCP connection the process made, in order. */
  dials: number[];
}

/** Starts the logger, sends one traced request, stops it (SIGTERM: spans are flushed). */
async function runLogger(env: Record<string, string | undefined>): Promise<Run> {
  const logger = await loggerEnv(database);
  const dialsFile = path.join(mkdtempSync(path.join(tmpdir(), 'dials-')), 'dials.json');
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: 'info',
    ...logger.env,
    DIALS_FILE: dialsFile,
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
  for (const key of Object.keys(childEnv))
    if (key.startsWith('OTEL_EXPORTER_')) delete childEnv[key];
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[key];
    else childEnv[key] = value;
  }
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--require',
      path.join(__dirname, 'support/record-dials.cjs'),
      '--import',
      'tsx',
      path.join(REPO_ROOT, 'logger-service/src/main.ts'),
    ],
    {
      cwd: path.join(REPO_ROOT, 'logger-service'),
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: Record<string, unknown>[] = [];
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const url = `http://127.0.0.1:${logger.ports.port}`;
    await waitUntilReady(url, { child, timeoutMs: 60_000 });
    const response = await postTraced(`${url}/log`, { name: database, data: 'traced?' }, TRACE_ID);
    expect(response.status).toBe(202);
    await eventually(() => output.includes('"msg":"request"'), { what: 'the access log line' });
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  for (const line of output.split('\n')) {
    if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
  }
  return { lines, dials: JSON.parse(readFileSync(dialsFile, 'utf8')) as number[] };
}

const accessLine = (run: Run) =>
  run.lines.find((line) => line.msg === 'request' && line.path === '/log');
const mongoPort = () => Number(new URL(infra().mongoUrl).port || 27017);

const receiver = new OtlpReceiver();

beforeAll(async () => {
  await requireMongo();
  await receiver.start();
});

afterAll(async () => {
  await receiver.stop();
  await withMongo((client) => client.db(database).dropDatabase()).catch(() => undefined);
});

it('without OTEL_EXPORTER_OTLP_ENDPOINT: trace ids in the log lines, nothing exported, nothing dialled but MongoDB', async () => {
  const run = await runLogger({ OTEL_EXPORTER_OTLP_ENDPOINT: undefined });
  expect(accessLine(run)).toMatchObject({ trace_id: TRACE_ID });
  expect(run.dials.length).toBeGreaterThan(0); // the recorder works: MongoDB was dialled
  expect(run.dials.filter((port) => port !== mongoPort())).toEqual([]);
  expect(receiver.connections).toBe(0);
});

it('with OTEL_EXPORTER_OTLP_ENDPOINT: the spans are exported there (and that dial is seen)', async () => {
  const run = await runLogger({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
  expect(run.dials).toContain(Number(new URL(receiver.endpoint).port));
  const spans = receiver.trace(TRACE_ID);
  expect(spans).toContainEqual(
    expect.objectContaining({
      service: 'logger-service',
      kind: 'server',
      parentSpanId: CALLER_SPAN_ID,
    }),
  );
});

it('with OTEL_SDK_DISABLED=true: no tracing at all, even with an endpoint set', async () => {
  const before = { connections: receiver.connections, spans: receiver.spans.length };
  const run = await runLogger({
    OTEL_SDK_DISABLED: 'true',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
  });
  expect(accessLine(run)).toBeDefined();
  expect(accessLine(run)).not.toHaveProperty('trace_id');
  expect(run.dials).not.toContain(Number(new URL(receiver.endpoint).port));
  expect(receiver.connections).toBe(before.connections);
  expect(receiver.spans.length).toBe(before.spans);
});

it('a malformed endpoint stops the service at start, naming the variable', async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(REPO_ROOT, 'logger-service/src/main.ts')],
    {
      cwd: path.join(REPO_ROOT, 'logger-service'),
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger:4318' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code).not.toBe(0);
  expect(output).toContain('OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL');
});
