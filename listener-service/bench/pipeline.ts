// End-to-end throughput of the event pipeline: RabbitMQ -> listener -> logger -> FerretDB.
// Starts the logger and the listener from source as their own processes (NODE_ENV=production,
// on scratch queue, exchange and database names), publishes EVENTS events as the broker does
// (persistent, messageId, confirmed), and times until the listener stored all of them; then
// checks in the database that each was stored exactly once, and removes what it created.
//
//   set -a; . project/.state/infra.env; set +a
//   node --import tsx listener-service/bench/pipeline.ts            # EVENTS=20000
//   PRELOAD=1 node --import tsx listener-service/bench/pipeline.ts   # queue filled first
//   EVENTS=5000 PREFETCH=1000 BATCH_MAX_ENTRIES=200 node --import tsx listener-service/bench/pipeline.ts
//
// Listener variables set in the environment (PREFETCH, BATCH_*, ...) are passed on to it.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import amqp from 'amqplib';
import { MongoClient } from 'mongodb';
import { declareLogsExchange } from '@ms/service-kit/amqp';
import { REPO_ROOT, eventually, freePort, infra, uniqueName } from '@ms/testing';
import { declareListenerTopology, retryQueueName } from '../src/amqp/topology';

const EVENTS = Number(process.env.EVENTS ?? 20_000);
/** Unconfirmed publishes at once, as a busy broker would have. */
const PUBLISH_WINDOW = Number(process.env.PUBLISH_WINDOW ?? 500);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 300_000);
const RETRY_DELAYS_MS = '1000,5000';
/** PRELOAD=1: fill the queue first, then start the listener and time its drain alone. */
const PRELOAD = process.env.PRELOAD === '1';
const LISTENER_VARIABLES = [
  'PREFETCH',
  'BATCH_MAX_ENTRIES',
  'BATCH_MAX_BYTES',
  'BATCH_MAX_WAIT_MS',
  'BATCH_MAX_IN_FLIGHT',
];

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

async function metric(listenerUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${listenerUrl}/metrics`)).text();
  const match = new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

const storedCount = (listenerUrl: string) => metric(listenerUrl, 'listener_messages_stored_total');

/** Mean entries per logger call and mean time per call (absent before batching existed). */
async function batchFigures(listenerUrl: string): Promise<Record<string, number>> {
  const calls = await metric(listenerUrl, 'listener_batch_size_count');
  if (calls === 0) return {};
  return {
    loggerCalls: calls,
    meanBatchSize: Math.round((await metric(listenerUrl, 'listener_batch_size_sum')) / calls),
    meanCallMs: Math.round(
      ((await metric(listenerUrl, 'listener_batch_store_seconds_sum')) / calls) * 1000,
    ),
  };
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
    const startListener = async () => {
      startService('listener-service', {
        ...names,
        PORT: String(listenerPort),
        AMQP_URL: infra().amqpUrl,
        LOGGER_SERVICE_URL: loggerUrl,
        RETRY_DELAYS_MS,
      });
      await waitReady(listenerUrl, 'the listener to be ready');
    };

    const channel = await connection.createConfirmChannel();
    await declareLogsExchange(channel, names.LOGS_EXCHANGE);
    const name = `${scratch}_event`;
    const body = (i: number) =>
      Buffer.from(JSON.stringify({ name, data: `bench event ${i} ${'x'.repeat(80)}` }));
    const publishAll = async () => {
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
    };

    let result: Record<string, unknown>;
    if (PRELOAD) {
      // The queue is full before the listener starts: its drain rate alone.
      await declareListenerTopology(channel, {
        exchange: names.LOGS_EXCHANGE,
        queue: names.LISTENER_QUEUE,
        deadLetterExchange: names.DEAD_LETTER_EXCHANGE,
        deadLetterQueue: names.DEAD_LETTER_QUEUE,
        retryDelaysMs: RETRY_DELAYS_MS.split(',').map(Number),
      });
      await publishAll();
      await startListener();
      const first = await eventually(
        async () => {
          const count = await storedCount(listenerUrl);
          return count > 0 && { count, at: performance.now() };
        },
        { timeoutMs: 30_000, intervalMs: 10, what: 'the first event to be stored' },
      );
      await eventually(async () => (await storedCount(listenerUrl)) >= EVENTS, {
        timeoutMs: TIMEOUT_MS,
        intervalMs: 50,
        what: `all ${EVENTS} events to be stored`,
      });
      const drainMs = performance.now() - first.at;
      result = {
        mode: 'preloaded queue',
        drainSeconds: (drainMs / 1000).toFixed(2),
        drainPerSecond: Math.round((EVENTS - first.count) / (drainMs / 1000)),
      };
    } else {
      // Publishing and storing at once, as under load through the broker.
      await startListener();
      const started = performance.now();
      await publishAll();
      const published = performance.now();
      await eventually(async () => (await storedCount(listenerUrl)) >= EVENTS, {
        timeoutMs: TIMEOUT_MS,
        intervalMs: 50,
        what: `all ${EVENTS} events to be stored`,
      });
      const stored = performance.now();
      const seconds = (ms: number) => (ms / 1000).toFixed(2);
      const rate = (ms: number) => Math.round(EVENTS / (ms / 1000));
      result = {
        mode: 'publishing while storing',
        publishSeconds: seconds(published - started),
        publishPerSecond: rate(published - started),
        endToEndSeconds: seconds(stored - started),
        endToEndPerSecond: rate(stored - started),
      };
    }

    Object.assign(result, await batchFigures(listenerUrl));
    const collection = mongo.db(database).collection('logs');
    const inDatabase = await collection.countDocuments({ name });
    const distinct = (await collection.distinct('event_id', { name })).length;

    console.log(
      JSON.stringify({
        events: EVENTS,
        listenerEnv: Object.fromEntries(
          LISTENER_VARIABLES.filter((key) => process.env[key] !== undefined).map((key) => [
            key,
            process.env[key],
          ]),
        ),
        ...result,
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
