import amqp from 'amqplib';
import { MongoClient } from 'mongodb';

/** Drops the run's MongoDB database (the logger's entries and the insert reference's scratch collection). */
export async function dropMongoDatabase(mongoUrl: string, database: string): Promise<void> {
  const client = new MongoClient(mongoUrl, {
    serverSelectionTimeoutMS: 5000,
    socketTimeoutMS: 60_000,
  });
  try {
    await client.db(database).dropDatabase();
  } finally {
    await client.close();
  }
}

/** Deletes the run's queues and exchanges; one channel per call, since a failed call closes its channel. */
export async function deleteAmqpTopology(
  amqpUrl: string,
  { queues, exchanges }: { queues: string[]; exchanges: string[] },
): Promise<void> {
  const connection = await amqp.connect(amqpUrl, { timeout: 5000 });
  connection.on('error', () => undefined);
  const failures: string[] = [];
  const attempt = async (what: string, work: (channel: amqp.Channel) => Promise<unknown>) => {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    try {
      await work(channel);
      await channel.close();
    } catch (err) {
      failures.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  try {
    for (const queue of queues) await attempt(`queue ${queue}`, (ch) => ch.deleteQueue(queue));
    for (const exchange of exchanges) {
      await attempt(`exchange ${exchange}`, (ch) => ch.deleteExchange(exchange));
    }
  } finally {
    await connection.close().catch(() => undefined);
  }
  if (failures.length) throw new Error(failures.join('; '));
}

/** How many mails the run's own MailHog holds. */
export async function countMailHogMessages(apiUrl: string): Promise<number> {
  const url = new URL('/api/v2/messages?limit=1', apiUrl);
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`MailHog answered ${response.status}`);
  return ((await response.json()) as { total: number }).total;
}
