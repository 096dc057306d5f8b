import { setTimeout as sleep } from 'node:timers/promises';
import { type Collection, MongoClient } from 'mongodb';
import { LOGS_COLLECTION } from '../../../logger-service/src/data/mongo-log-store';
import { httpLoad } from '../load/http-load';
import type { LoadResult } from '../load/load-result';
import { QueueDepthSampler } from '../load/queue-depth';
import { whole } from './rows';
import { type Row, type Scenario, type ScenarioContext, ratioOf } from './scenario';

const CONNECTIONS = 50;
const NAME = `event pipeline end to end (${CONNECTIONS} clients, via rabbitmq)`;
const MIN_RATIO = 0.9;
const MIN_EVENTS_PER_S = 2500;
const TARGET = `>= ${MIN_RATIO}x and >= ${whole(MIN_EVENTS_PER_S)}/s; 0 lost, 0 twice`;

interface Published {
  name: string;
  /** The data of every event the broker answered 202 to (each one unique). */
  accepted: Set<string>;
  load: LoadResult;
  startedAt: number;
}

interface Stored {
  documents: number;
  distinctData: number;
  /** Accepted events not stored. */
  lost: number;
  /** created_at of the newest entry (ms since the epoch), if the logger stores a date. */
  lastCreatedAt: number | undefined;
  /** When the harness saw everything stored (or gave up). */
  seenAt: number;
  complete: boolean;
}

/**
 * Publishes `log` events through the broker (RabbitMQ, confirmed) for the run's duration,
 * then waits until the listener has stored every accepted one, and counts by the run's
 * entry name what was stored: end-to-end rate, lost, stored twice, listener backlog.
 */
export const pipelineScenario: Scenario = {
  id: 'pipeline',
  expectedRows: [{ scenario: NAME, target: TARGET }],
  async run(context) {
    const { stack, options } = context;
    const mongo = new MongoClient(stack.infra.mongoUrl, {
      serverSelectionTimeoutMS: 5000,
      socketTimeoutMS: 120_000,
    });
    const depth = await QueueDepthSampler.start(stack.infra.amqpUrl, stack.names.listenerQueue);
    try {
      const logs = mongo.db(stack.names.mongoDb).collection(LOGS_COLLECTION);
      if (options.warmupS > 0) {
        const warm = await publish(context, `${stack.names.runId}_warmup`, options.warmupS);
        await waitUntilStored(context, logs, depth, warm);
      }
      depth.resetMax();
      const run = await publish(context, `${stack.names.runId}_pipeline`, options.durationS);
      const publishedUntil = Date.now();
      const stored = await waitUntilStored(context, logs, depth, run);
      const deadLettered = await depth.depthOf(stack.names.deadLetterQueue);
      return [pipelineRow(run, stored, publishedUntil, depth.max, deadLettered)];
    } finally {
      await depth.stop();
      await mongo.close();
    }
  },
};

function pipelineRow(
  run: Published,
  stored: Stored,
  publishedUntil: number,
  maxDepth: number,
  deadLettered: number | undefined,
): Row {
  const accepted = run.accepted.size;
  const acceptRate = accepted / run.load.durationS;
  const lastStoredAt = stored.lastCreatedAt ?? stored.seenAt;
  const endToEnd = accepted / Math.max(0.001, (lastStoredAt - run.startedAt) / 1000);
  const twice = stored.documents - stored.distinctData;
  const ratio = ratioOf(endToEnd, acceptRate);
  const notes = [
    `accepted ${whole(accepted)}, lost ${whole(stored.lost)}, stored twice ${whole(twice)}`,
    `max listener queue ${whole(maxDepth)}`,
    `last stored ${((lastStoredAt - publishedUntil) / 1000).toFixed(1)} s after publishing ended`,
  ];
  if (!stored.complete) notes.push('stopped waiting: no progress');
  if (deadLettered) notes.push(`dead-lettered ${whole(deadLettered)}`);
  if (run.load.errors) notes.push(`publish errors: ${run.load.errorKinds}`);
  return {
    scenario: NAME,
    rate: endToEnd,
    p50Ms: run.load.p50Ms,
    p99Ms: run.load.p99Ms,
    errors: run.load.errors,
    reference: { label: 'broker accept rate (202)', rate: acceptRate },
    ratio,
    target: TARGET,
    met:
      ratio !== undefined &&
      ratio >= MIN_RATIO &&
      endToEnd >= MIN_EVENTS_PER_S &&
      stored.lost === 0 &&
      twice === 0,
    notes: notes.join('; '),
  };
}

async function publish(
  { stack, signal }: ScenarioContext,
  name: string,
  durationS: number,
): Promise<Published> {
  const accepted = new Set<string>();
  let sequence = 0;
  const startedAt = Date.now();
  const load = await httpLoad({
    url: `${stack.urls.broker}/handle`,
    method: 'POST',
    connections: CONNECTIONS,
    durationS,
    expectStatus: 202,
    signal,
    nextBody: () => {
      const data = `${name} #${++sequence}`;
      return { body: { action: 'log', log: { name, data } }, tag: data };
    },
    onAnswer: (data, status) => {
      if (status === 202) accepted.add(data);
    },
  });
  return { name, accepted, load, startedAt };
}

/**
 * Waits until every accepted event is stored, or nothing moved (queue depth, stored count)
 * for BENCH_DRAIN_STALL_S. Counting is cheap only with an empty queue, so it waits for that
 * first; the end-to-end time comes from the entries' created_at, not from this polling.
 */
async function waitUntilStored(
  { stack, options, signal }: ScenarioContext,
  logs: Collection,
  depth: QueueDepthSampler,
  published: Published,
): Promise<Stored> {
  const filter = { name: published.name };
  let lastProgressAt = Date.now();
  let lastDepth: number | undefined;
  let lastCount = -1;
  let scannedAtCount = -1;
  for (;;) {
    if (signal.aborted) throw new Error('interrupted');
    stack.assertAlive();
    const queued = depth.latest;
    if (queued !== lastDepth) {
      lastDepth = queued;
      lastProgressAt = Date.now();
    }
    const stalled = Date.now() - lastProgressAt > options.drainStallS * 1000;
    if (queued === 0 || stalled) {
      const count = await logs.countDocuments(filter, { maxTimeMS: 60_000 });
      if (count !== lastCount) {
        lastCount = count;
        lastProgressAt = Date.now();
      }
      if ((count >= published.accepted.size && count !== scannedAtCount) || stalled) {
        scannedAtCount = count;
        const stored = await scanStored(logs, published);
        if (stored.lost === 0 || stalled) return { ...stored, complete: stored.lost === 0 };
      }
    }
    await sleep(queued === 0 ? 500 : 250);
  }
}

/** Reads back the run's entries (data and created_at only) and checks them against what was accepted. */
async function scanStored(
  logs: Collection,
  published: Published,
): Promise<Omit<Stored, 'complete'>> {
  const seen = new Set<string>();
  let documents = 0;
  let lastCreatedAt: number | undefined;
  const cursor = logs
    .find({ name: published.name }, { projection: { _id: 0, data: 1, created_at: 1 } })
    .batchSize(10_000);
  for await (const doc of cursor) {
    documents += 1;
    seen.add(String(doc.data));
    const createdAt = doc.created_at instanceof Date ? doc.created_at.getTime() : undefined;
    if (createdAt !== undefined && (lastCreatedAt === undefined || createdAt > lastCreatedAt)) {
      lastCreatedAt = createdAt;
    }
  }
  let lost = 0;
  for (const data of published.accepted) if (!seen.has(data)) lost += 1;
  return { documents, distinctData: seen.size, lost, lastCreatedAt, seenAt: Date.now() };
}
