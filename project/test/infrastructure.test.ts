// Proves each piece of test infrastructure is the real thing, reached through the
// kit's helpers: a missing dependency fails here with a message saying how to start it.
import amqp from 'amqplib';
import { MongoClient } from 'mongodb';
import nodemailer from 'nodemailer';
import { Client } from 'pg';
import { withTimeout } from '@ms/service-kit';
import { LOGS_EXCHANGE } from '@ms/service-kit/contracts';
import { eventually, infra, requireDependency, uniqueName } from '@ms/testing';

const urls = infra();

describe('real test infrastructure', () => {
  it('PostgreSQL: a round trip through a table', async () => {
    const client = new Client({
      connectionString: urls.postgresUrl,
      connectionTimeoutMillis: 3000,
    });
    await requireDependency('PostgreSQL', urls.postgresUrl, () => client.connect());
    try {
      const table = uniqueName('infra_check');
      await client.query(`CREATE TEMP TABLE ${table} (id serial primary key, note text not null)`);
      await client.query(`INSERT INTO ${table} (note) VALUES ($1)`, ['hello postgres']);
      const { rows } = await client.query(`SELECT note FROM ${table}`);
      expect(rows).toEqual([{ note: 'hello postgres' }]);
      const { rows: version } = await client.query('SHOW server_version');
      expect(version[0].server_version).toMatch(/^\d+/);
    } finally {
      await client.end();
    }
  });

  it('RabbitMQ: publish and consume on a durable topic exchange', async () => {
    let connection: amqp.ChannelModel | undefined;
    await requireDependency('RabbitMQ', urls.amqpUrl.replace(/\/\/.*@/, '//'), async () => {
      connection = await amqp.connect(urls.amqpUrl, { timeout: 3000 });
    });
    const conn = connection as amqp.ChannelModel;
    try {
      const channel = await conn.createConfirmChannel();
      await channel.assertExchange(LOGS_EXCHANGE, 'topic', { durable: true });
      const { queue } = await channel.assertQueue(uniqueName('infra_check'), { exclusive: true });
      await channel.bindQueue(queue, LOGS_EXCHANGE, 'log.INFO');
      const received: string[] = [];
      await channel.consume(queue, (msg) => {
        if (msg) {
          received.push(msg.content.toString());
          channel.ack(msg);
        }
      });
      const body = JSON.stringify({ name: uniqueName('infra'), data: 'hello rabbit' });
      channel.publish(LOGS_EXCHANGE, 'log.INFO', Buffer.from(body), { persistent: true });
      await channel.waitForConfirms();
      await eventually(() => received.length > 0, { what: 'the published message' });
      expect(received).toEqual([body]);
    } finally {
      await conn.close();
    }
  });

  it('MongoDB wire protocol (FerretDB): insert and find with the official driver', async () => {
    const client = new MongoClient(urls.mongoUrl, { serverSelectionTimeoutMS: 3000 });
    await requireDependency('MongoDB/FerretDB', urls.mongoUrl, () => client.connect());
    const db = client.db(uniqueName('infra_check'));
    try {
      const collection = db.collection<{ name: string; n: number }>('things');
      await collection.insertMany([
        { name: 'a', n: 1 },
        { name: 'b', n: 2 },
      ]);
      const found = await collection.find({ n: { $gt: 1 } }, { projection: { _id: 0 } }).toArray();
      expect(found).toEqual([{ name: 'b', n: 2 }]);
    } finally {
      await db.dropDatabase();
      await client.close();
    }
  });

  it('SMTP (MailHog): a mail sent is read back from the API', async () => {
    const to = `${uniqueName('infra')}@example.com`;
    const transport = nodemailer.createTransport({
      host: urls.mailHost,
      port: urls.mailPort,
      secure: false,
      ignoreTLS: true,
      connectionTimeout: 3000,
      greetingTimeout: 3000,
      socketTimeout: 5000,
    });
    await requireDependency('MailHog SMTP', `${urls.mailHost}:${urls.mailPort}`, () =>
      transport.verify(),
    );
    await transport.sendMail({
      from: 'infra@example.com',
      to,
      subject: 'infra check',
      text: 'hello mailhog',
    });
    transport.close();
    const message = await eventually(
      async () => {
        const res = await withTimeout(
          (signal) =>
            fetch(`${urls.mailhogApiUrl}/api/v2/search?kind=to&query=${encodeURIComponent(to)}`, {
              signal,
            }),
          3000,
          'MailHog API',
        );
        const body = (await res.json()) as {
          items: { Content: { Headers: Record<string, string[]>; Body: string } }[];
        };
        return body.items[0];
      },
      { what: `mail to ${to} in MailHog` },
    );
    expect(message.Content.Headers.Subject).toEqual(['infra check']);
    expect(message.Content.Body).toContain('hello mailhog');
  });
});
