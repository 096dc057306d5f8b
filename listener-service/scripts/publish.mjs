// Publishes one message to logs_topic the way the broker does (persistent, messageId,
// x-request-id header, publisher confirm), to watch the listener at work:
//   node listener-service/scripts/publish.mjs '{"name":"demo","data":"hello"}' [log.INFO]
// The body is sent as given, so a bad one shows dead-lettering.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const amqp = require('amqplib');

const [body = '{"name":"demo","data":"hello from publish.mjs"}', routingKey = 'log.INFO'] =
  process.argv.slice(2);
const url = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';

const connection = await amqp.connect(url, { timeout: 5000 });
try {
  const channel = await connection.createConfirmChannel();
  await channel.assertExchange('logs_topic', 'topic', { durable: true });
  const messageId = randomUUID();
  const requestId = `demo-${messageId.slice(0, 8)}`;
  channel.publish('logs_topic', routingKey, Buffer.from(body), {
    persistent: true,
    contentType: 'application/json',
    messageId,
    headers: { 'x-request-id': requestId },
  });
  await channel.waitForConfirms();
  console.log(JSON.stringify({ published: routingKey, messageId, requestId }));
} finally {
  await connection.close();
}
