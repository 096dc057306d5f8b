/**
 * Single-client write throughput of each transport: one connection, one call at a time,
 * against a logger started here (its own process, free ports, a throwaway database on the
 * MongoDB-compatible server of the test infrastructure). Not a test: numbers only.
 *
 *   npm run bench -w logger-service            # 2000 writes per transport
 *   BENCH_WRITES=5000 npm run bench -w logger-service
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { eventually, infra, loggerEnv, percentile, uniqueName } from '@ms/testing';
import { MongoClient } from 'mongodb';
import { grpcTestClient } from '../test/support/grpc-client';
import { JsonRpcTestClient } from '../test/support/json-rpc-client';

const WRITES = Number(process.env.BENCH_WRITES ?? 2000);
const WARM_UP = 200;
const workspace = path.resolve(__dirname, '..');

interface Result {
  transport: string;
  writes: number;
  seconds: number;
  latenciesMs: number[];
}

async function measure(transport: string, write: (i: number) => Promise<void>): Promise<Result> {
  for (let i = 0; i < WARM_UP; i++) await write(i);
  const latenciesMs: number[] = [];
  const started = process.hrtime.bigint();
  for (let i = 0; i < WRITES; i++) {
    const callStarted = process.hrtime.bigint();
    await write(i);
    latenciesMs.push(Number(process.hrtime.bigint() - callStarted) / 1e6);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { transport, writes: WRITES, seconds, latenciesMs };
}

function startLoggerProcess(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), 'src/main.ts'], {
    cwd: workspace,
    env: { ...process.env, LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.once('exit', (code) => {
    if (code !== 0 && code !== null) console.error(`logger exited with code ${code}`);
  });
  return child;
}

async function main(): Promise<void> {
  const mongoUrl = infra().mongoUrl;
  const database = uniqueName('logs_bench');
  const { env, ports } = await loggerEnv(database);
  const { port: httpPort, rpcPort, grpcPort } = ports;
  const child = startLoggerProcess(env);
  const baseUrl = `http://127.0.0.1:${httpPort}`;
  const rpc = await eventually(
    async () => {
      const ready = await fetch(`${baseUrl}/readyz`);
      return ready.ok && JsonRpcTestClient.connect(rpcPort);
    },
    { timeoutMs: 30_000, what: 'the logger to start' },
  );
  const grpcClient = grpcTestClient(grpcPort);

  try {
    const results = [
      await measure('HTTP POST /log (keep-alive)', async (i) => {
        const res = await fetch(`${baseUrl}/log`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ name: 'bench-http', data: `write ${i}` }),
        });
        if (res.status !== 202) throw new Error(`HTTP ${res.status}`);
        await res.arrayBuffer();
      }),
      await measure('JSON-RPC LogInfo (one TCP connection)', async (i) => {
        const answer = await rpc.call('LogInfo', { name: 'bench-rpc', data: `write ${i}` });
        if (answer.error) throw new Error(answer.error.message);
      }),
      await measure('gRPC WriteLog (one channel)', async (i) => {
        await grpcClient.writeLog({ logEntry: { name: 'bench-grpc', data: `write ${i}` } });
      }),
    ];

    console.log(
      `\nSingle-client sequential writes (${WRITES} after ${WARM_UP} warm-up) to ${mongoUrl}\n`,
    );
    console.log('| transport | writes/s | p50 ms | p99 ms |');
    console.log('| --- | ---: | ---: | ---: |');
    for (const result of results) {
      const latencies = result.latenciesMs;
      console.log(
        `| ${result.transport} | ${Math.round(result.writes / result.seconds)} | ${percentile(latencies, 50).toFixed(2)} | ${percentile(latencies, 99).toFixed(2)} |`,
      );
    }
  } finally {
    rpc.close();
    grpcClient.close();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    const mongo = new MongoClient(mongoUrl);
    await mongo.db(database).dropDatabase();
    await mongo.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
