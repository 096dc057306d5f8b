/**
 * Logins per second with concurrent clients, `GET /healthz` latency during that load, and
 * the in-run references: one thread of bcryptjs compare at the same cost (the target's
 * reference) and one thread of native bcrypt (what the service runs), measured in this
 * process while the service is idle. References and load alternate (BENCH_ROUNDS times)
 * so that the neighbours' load on a shared machine hits both alike. The service's CPU
 * time per login does not depend on that load: it says what idle cores would serve.
 *
 * The service runs as a child process from source (tsx, NODE_ENV=production) against a
 * throw-away database on the configured Postgres, or set AUTH_URL to bench a running one
 * (its admin@example.com / verysecret must exist).
 *
 *   npm run bench -w authentication-service
 *   BENCH_CLIENTS (10)  BENCH_DURATION_S (10)  BENCH_ROUNDS (2)  BCRYPT_COST (10)
 *   BCRYPT_THREADS (cores)  AUTH_URL (unset)
 *   BENCH_SERVICE_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof": profile the service)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { listen, parseConfig, portOf } from '@ms/service-kit';
import { freePort, percentile, processCpuSeconds, sum, waitUntilReady } from '@ms/testing';
import nativeBcrypt from 'bcrypt';
import bcrypt from 'bcryptjs';
import { Client } from 'pg';
import { configSchema } from '../src/config';

const clients = Number(process.env.BENCH_CLIENTS ?? 10);
const durationMs = Number(process.env.BENCH_DURATION_S ?? 10) * 1000;
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const referenceMs = Number(process.env.BENCH_REFERENCE_S ?? 4) * 1000;
const healthzEveryMs = 20;

interface LoadResult {
  /** CPU seconds the service process used (every thread), when it is our child. */
  cpuSeconds: number;
  ok: number;
  errors: number;
  seconds: number;
  loginMs: number[];
  healthzMs: number[];
}

async function onServer<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Compares per second on this thread, synchronously, and the CPU ms one costs. */
function compareRate(compare: () => boolean): { rate: number; cpuMs: number } {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let compares = 0;
  while (performance.now() - started < referenceMs) {
    compare();
    compares++;
  }
  const { user, system } = process.cpuUsage(cpu);
  return {
    rate: compares / ((performance.now() - started) / 1000),
    cpuMs: (user + system) / 1000 / compares,
  };
}

async function timed(work: () => Promise<Response>): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const res = await work();
  await res.arrayBuffer();
  return { ms: performance.now() - started, status: res.status };
}

/** `clients` closed loops of successful logins, and one /healthz probe every 20 ms. */
async function load(baseUrl: string, pid?: number): Promise<LoadResult> {
  const result: LoadResult = {
    cpuSeconds: 0,
    ok: 0,
    errors: 0,
    seconds: 0,
    loginMs: [],
    healthzMs: [],
  };
  const cpuBefore = processCpuSeconds(pid);
  const body = JSON.stringify({ email: 'admin@example.com', password: 'verysecret' });
  const started = performance.now();
  const until = started + durationMs;
  const loginLoop = async () => {
    while (performance.now() < until) {
      const { ms, status } = await timed(() =>
        fetch(`${baseUrl}/authenticate`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(30_000),
        }),
      ).catch(() => ({ ms: NaN, status: 0 }));
      if (status === 202) {
        result.ok++;
        result.loginMs.push(ms);
      } else result.errors++;
    }
  };
  const healthzLoop = async () => {
    while (performance.now() < until) {
      const { ms, status } = await timed(() =>
        fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(30_000) }),
      );
      if (status !== 200) throw new Error(`/healthz answered ${status}`);
      result.healthzMs.push(ms);
      await new Promise((resolve) => setTimeout(resolve, healthzEveryMs));
    }
  };
  await Promise.all([healthzLoop(), ...Array.from({ length: clients }, loginLoop)]);
  result.seconds = (performance.now() - started) / 1000;
  result.cpuSeconds = processCpuSeconds(pid) - cpuBefore;
  return result;
}

/** Stands in for the logger-service: each login's attempt log lands here, not in a real log. */
function loggerSink(): Promise<Server> {
  return listen(
    (req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end('{"error":false,"message":"logged"}');
      });
    },
    0,
    '127.0.0.1',
  );
}

async function main(): Promise<void> {
  const config = parseConfig(configSchema, process.env);
  const sink = await loggerSink();
  let baseUrl = process.env.AUTH_URL;
  let child: ChildProcess | undefined;
  let database: string | undefined;
  if (!baseUrl) {
    database = `auth_bench_${randomBytes(4).toString('hex')}`;
    const databaseUrl = new URL(config.POSTGRES_URL);
    databaseUrl.pathname = `/${database}`;
    await onServer(config.POSTGRES_URL, (c) => c.query(`CREATE DATABASE "${database}"`));
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const serviceDir = path.join(__dirname, '..');
    const nodeArgs = process.env.BENCH_SERVICE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts'], {
      cwd: serviceDir,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PORT: String(port),
        POSTGRES_URL: databaseUrl.toString(),
        LOGGER_SERVICE_URL: `http://127.0.0.1:${portOf(sink)}`,
        LOGIN_MAX_FAILURES: '1000000',
        LOG_LEVEL: 'warn',
      },
    });
  }
  try {
    await waitUntilReady(baseUrl, { child });
    const hash = bcrypt.hashSync('verysecret', config.BCRYPT_COST);
    await load(baseUrl, child?.pid); // warm-up: JIT, pg and logger connections
    const references: { rate: number; cpuMs: number }[] = [];
    const natives: { rate: number; cpuMs: number }[] = [];
    const runs: LoadResult[] = [];
    for (let round = 0; round < rounds; round++) {
      references.push(compareRate(() => bcrypt.compareSync('verysecret', hash)));
      natives.push(compareRate(() => nativeBcrypt.compareSync('verysecret', hash)));
      runs.push(await load(baseUrl, child?.pid));
    }
    const mean = (values: number[]) => sum(values) / values.length;
    const reference = mean(references.map((r) => r.rate));
    const native = mean(natives.map((r) => r.rate));
    const loginsPerSecond = sum(runs.map((r) => r.ok)) / sum(runs.map((r) => r.seconds));
    const cpuMsPerLogin = (1000 * sum(runs.map((r) => r.cpuSeconds))) / sum(runs.map((r) => r.ok));
    const healthz = runs.flatMap((r) => r.healthzMs);
    const logins = runs.flatMap((r) => r.loginMs);
    const cores = availableParallelism();
    console.log(
      `Node ${process.version}, ${cores} cores, bcrypt cost ${config.BCRYPT_COST}, ` +
        `${clients} clients, ${rounds} x ${durationMs / 1000} s`,
    );
    console.table(
      runs.map((r, i) => ({
        'bcryptjs compares/s': references[i]!.rate.toFixed(1),
        'native compares/s': natives[i]!.rate.toFixed(1),
        'logins/s': (r.ok / r.seconds).toFixed(1),
        errors: r.errors,
        'login p50 ms': percentile(r.loginMs, 50).toFixed(0),
        'healthz p50 ms': percentile(r.healthzMs, 50).toFixed(1),
        'healthz p99 ms': percentile(r.healthzMs, 99).toFixed(1),
        'CPU ms/login': ((1000 * r.cpuSeconds) / r.ok).toFixed(1),
      })),
    );
    console.log(
      `logins/s ${loginsPerSecond.toFixed(1)} (p50 ${percentile(logins, 50).toFixed(0)} ms, ` +
        `p99 ${percentile(logins, 99).toFixed(0)} ms), ${sum(runs.map((r) => r.errors))} errors\n` +
        `  / one thread of bcryptjs ${reference.toFixed(1)} compares/s = ` +
        `${(loginsPerSecond / reference).toFixed(2)} (target >= 1.7)\n` +
        `  / one thread of native bcrypt ${native.toFixed(1)} compares/s = ` +
        `${(loginsPerSecond / native).toFixed(2)}\n` +
        `/healthz during the load: p50 ${percentile(healthz, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(healthz, 99).toFixed(1)} ms over ${healthz.length} probes (target p99 < 50)\n` +
        `CPU: ${cpuMsPerLogin.toFixed(1)} ms per login (service, all threads); per compare ` +
        `${mean(references.map((r) => r.cpuMs)).toFixed(1)} ms bcryptjs, ` +
        `${mean(natives.map((r) => r.cpuMs)).toFixed(1)} ms native: ${cores} idle cores would ` +
        `serve at most ${((cores * 1000) / cpuMsPerLogin).toFixed(0)} logins/s`,
    );
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child!.once('exit', resolve));
    }
    sink.close();
    if (database) {
      await onServer(config.POSTGRES_URL, (c) =>
        c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`),
      );
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
