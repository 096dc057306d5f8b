// End-to-end throughput of the event pipeline: RabbitMQ -> listener -> logger -> FerretDB.
// Starts the logger and the listener from source as their own processes (NODE_ENV=production,
// on scratch queue, exchange and database names), publishes EVENTS events as the broker does
// (persistent, messageId, confirmed), and times until the listener stored all of them; then
// checks in the database that each was stored exactly once, and removes what it created.
//
//   set -a; . project/.state/infra.env; set +a
//   node --import tsx listener-service/bench/pipeline.ts            # EVENTS=20000
//   EVENTS=5000 PREFETCH=1000 BATCH_MAX_ENTRIES=200 node --import tsx listener-service/bench/pipeline.ts
//
// Listener variables set in the environment (PREFETCH, BATCH_*, ...) are passed on to it.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import amqp from 'amqplib';
import { MongoClient } from 'mongodb';
import { declareLogsExchange } from '@ms/service-kit';
import { REPO_ROOT, eventually, freePort, infra, uniqueName } from '@ms/service-kit/testing';
import { retryQueueName } from '../src/amqp/topology';

const EVENTS = Number(process.env.EVENTS ?? 20_000);
/** Unconfirmed publishes at once, as a busy broker would have. */
const PUBLISH_WINDOW = Number(process.env.PUBLISH_WINDOW ?? 500);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 300_000);
const RETRY_DELAYS_MS = '1000,5000';

const children: ChildProcess[] = [];

function startService(workspace: string, env: Record<string, string>): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(REPO_ROOT, workspace, 'src/main.ts')],
    {
      cwd: path.join(REPO_ROOT, workspace),
      env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  children.push(child);
  return child;
}

async function waitReady(url: string, what: string): Promise<void> {
  await eventually(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.ok, {
    timeoutMs: 60_000,
    intervalMs: 200,
    what,
  });
}

async function storedCount(listenerUrl: string): Promise<number> {
  const text = await (await fetch(`${listenerUrl}/metrics`)).text();
  const match = /^listener_messages_stored_total\{[^}]*\} (\S+)$/m.exec(text);
  return match ? Number(match[1]) : 0;
}

async function main(): Promise<void> {
  const scratch = uniqueName('bench_pipeline');
  const names = {
    LOGS_EXCHANGE: `${scratch}.logs`,
    LISTENER_QUEUE: scratch,
    DEAD_LETTER_EXCHANGE: `${scratch}.dlx`,
    DEAD_LETTER_QUEUE: `${scratch}.dead`,
  };
  const database = scratch;
  const loggerPort = await freePort();
  const listenerPort = await freePort();
  const loggerUrl = `http://127.0.0.1:${loggerPort}`;
  const listenerUrl = `http://127.0.0.1:${listenerPort}`;

  const connection = await amqp.connect(infra().amqpUrl, { timeout: 5000 });
  const mongo = new MongoClient(infra().mongoUrl, { serverSelectionTimeoutMS: 5000 });
  try {
    startService('logger-service', {
      PORT: String(loggerPort),
      RPC_PORT: '0',
      GRPC_PORT: '0',
      MONGO_URL: infra().mongoUrl,
      MONGO_DB: database,
    });
    await waitReady(loggerUrl, 'the logger to be ready');
    startService('listener-service', {
      ...names,
      PORT: String(listenerPort),
      AMQP_URL: infra().amqpUrl,
      LOGGER_SERVICE_URL: loggerUrl,
      RETRY_DELAYS_MS,
    });
    await waitReady(listenerUrl, 'the listener to be ready');

    const channel = await connection.createConfirmChannel();
    await declareLogsExchange(channel, names.LOGS_EXCHANGE);
    const name = `${scratch}_event`;
    const body = (i: number) =>
      Buffer.from(JSON.stringify({ name, data: `bench event ${i} ${'x'.repeat(80)}` }));

    const started = performance.now();
    let unconfirmed = 0;
    for (let i = 0; i < EVENTS; i++) {
      while (unconfirmed >= PUBLISH_WINDOW) await sleep(1);
      unconfirmed++;
      channel.publish(
        names.LOGS_EXCHANGE,
        'log.INFO',
        body(i),
        {
          persistent: true,
          contentType: 'application/json',
          messageId: randomUUID(),
          headers: { 'x-request-id': `bench-${i}` },
        },
        (err) => {
          if (err) throw new Error(`publish not confirmed: ${String(err)}`);
          unconfirmed--;
        },
      );
    }
    await channel.waitForConfirms();
    const published = performance.now();

    await eventually(async () => (await storedCount(listenerUrl)) >= EVENTS, {
      timeoutMs: TIMEOUT_MS,
      intervalMs: 50,
      what: `all ${EVENTS} events to be stored`,
    });
    const stored = performance.now();

    const collection = mongo.db(database).collection('logs');
    const inDatabase = await collection.countDocuments({ name });
    const distinct = (await collection.distinct('event_id', { name })).length;

    const seconds = (ms: number) => (ms / 1000).toFixed(2);
    const rate = (ms: number) => Math.round(EVENTS / (ms / 1000));
    console.log(
      JSON.stringify({
        events: EVENTS,
        listenerEnv: Object.fromEntries(
          [
            'PREFETCH',
            'BATCH_MAX_ENTRIES',
            'BATCH_MAX_BYTES',
            'BATCH_MAX_WAIT_MS',
            'BATCH_MAX_IN_FLIGHT',
          ]
            .filter((key) => process.env[key] !== undefined)
            .map((key) => [key, process.env[key]]),
        ),
        publishSeconds: seconds(published - started),
        publishPerSecond: rate(published - started),
        endToEndSeconds: seconds(stored - started),
        endToEndPerSecond: rate(stored - started),
        inDatabase,
        distinctEventIds: distinct,
        exactlyOnce: inDatabase === EVENTS && distinct === EVENTS,
      }),
    );
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map((child) =>
        child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : null,
      ),
    );
    const channel = await connection.createChannel();
    for (const queue of [
      names.LISTENER_QUEUE,
      names.DEAD_LETTER_QUEUE,
      ...RETRY_DELAYS_MS.split(',').map((delay) => retryQueueName(names.LISTENER_QUEUE, +delay)),
    ]) {
      await channel.deleteQueue(queue);
    }
    await channel.deleteExchange(names.DEAD_LETTER_EXCHANGE);
    await channel.deleteExchange(names.LOGS_EXCHANGE);
    await connection.close();
    await mongo.db(database).dropDatabase();
    await mongo.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  for (const child of children) child.kill('SIGKILL');
  process.exit(1);
});
