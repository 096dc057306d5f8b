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

interface MailHogSearch {
  total: number;
  items: { ID: string }[];
}

/**
 * Deletes the mails sent to `mailbox` (and nothing else: MailHog is shared), a page at a
 * time, by id. Resolves with how many were deleted.
 */
export async function deleteMailHogMessages(apiUrl: string, mailbox: string): Promise<number> {
  let deleted = 0;
  for (let page = 0; ; page++) {
    if (page > 400)
      throw new Error(`MailHog still lists mails to ${mailbox} after 200,000 deletions`);
    const search = new URL('/api/v2/search', apiUrl);
    search.search = new URLSearchParams({ kind: 'to', query: mailbox, limit: '500' }).toString();
    const response = await fetch(search, { signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new Error(`MailHog search answered ${response.status}`);
    const { items } = (await response.json()) as MailHogSearch;
    if (items.length === 0) return deleted;
    // A few at a time: MailHog is shared, and this is not worth slowing it down for others.
    for (let i = 0; i < items.length; i += 10) {
      await Promise.all(
        items.slice(i, i + 10).map(async ({ ID }) => {
          const url = new URL(`/api/v1/messages/${encodeURIComponent(ID)}`, apiUrl);
          const res = await fetch(url, { method: 'DELETE', signal: AbortSignal.timeout(10_000) });
          if (!res.ok && res.status !== 404)
            throw new Error(`MailHog DELETE answered ${res.status}`);
        }),
      );
    }
    deleted += items.length;
  }
}
