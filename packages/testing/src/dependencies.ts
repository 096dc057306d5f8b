import amqp from 'amqplib';
import { MongoClient } from 'mongodb';
import { infra, requireDependency } from './infra';
import { withPostgresAdmin } from './postgres';

/**
 * One probe per shared test dependency, for beforeAll: each fails with a message that
 * names the dependency and how to start it (never a silent skip).
 */
export function requirePostgres(): Promise<void> {
  return requireDependency('PostgreSQL', infra().postgresUrl, () =>
    withPostgresAdmin((client) => client.query('SELECT 1')),
  );
}

export function requireRabbitMq(): Promise<void> {
  const { amqpUrl } = infra();
  return requireDependency('RabbitMQ', amqpUrl.replace(/\/\/[^@]*@/, '//'), async () => {
    const connection = await amqp.connect(amqpUrl, { timeout: 3000 });
    await connection.close();
  });
}

export function requireMongo(): Promise<void> {
  return requireDependency('MongoDB-wire server (FerretDB)', infra().mongoUrl, () =>
    withMongo((client) => client.db('admin').command({ ping: 1 })),
  );
}

export function requireMailHog(): Promise<void> {
  const { mailhogApiUrl } = infra();
  return requireDependency('MailHog', mailhogApiUrl, async () => {
    const response = await fetch(new URL('/api/v2/messages?limit=1', mailhogApiUrl), {
      signal: AbortSignal.timeout(3000),
    });
    if (!response.ok) throw new Error(`answered ${response.status}`);
  });
}

/** Runs work on a short-lived client of the test MongoDB-wire server. */
export async function withMongo<T>(work: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = new MongoClient(infra().mongoUrl, { serverSelectionTimeoutMS: 3000 });
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

/** Deletes a test's queues and exchanges in the test virtual host, so the next run starts empty. */
export async function deleteRabbitNames({
  queues = [],
  exchanges = [],
}: {
  queues?: string[];
  exchanges?: string[];
}): Promise<void> {
  const connection = await amqp.connect(infra().amqpUrl, { timeout: 5000 });
  try {
    const channel = await connection.createChannel();
    for (const queue of queues) await channel.deleteQueue(queue);
    for (const exchange of exchanges) await channel.deleteExchange(exchange);
  } finally {
    await connection.close();
  }
}

/** Every dependency the whole system runs on: PostgreSQL, RabbitMQ, MongoDB and MailHog. */
export async function requireAllDependencies(): Promise<void> {
  await requirePostgres();
  await requireRabbitMq();
  await requireMongo();
  await requireMailHog();
}
