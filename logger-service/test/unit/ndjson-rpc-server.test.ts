import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '@ms/service-kit';
import { NdjsonRpcServer, type RpcMessageHandler } from '../../src/rpc/ndjson-rpc-server';
import { JsonRpcTestClient } from '../support/json-rpc-client';

// The transport with a fake handler that echoes what it parsed: framing only, no database.
const logger = createLogger('logger-service', { level: 'silent' });
const echo: RpcMessageHandler = async (message) => {
  const { id, params } = message as { id?: number; params?: { delayMs?: number } };
  if (params?.delayMs) await sleep(params.delayMs);
  return id === undefined ? undefined : { jsonrpc: '2.0', id, result: message };
};

let server: NdjsonRpcServer;
let port: number;

beforeEach(async () => {
  server = new NdjsonRpcServer({ handler: echo, logger, maxMessageBytes: 1000 });
  port = await server.listen(0, '127.0.0.1');
});

afterEach(async () => {
  await server.close(500);
});

const request = (id: number, params: object = {}) => ({ jsonrpc: '2.0', id, method: 'm', params });

it('reads messages split across packets and several in one packet, with CRLF and blank lines', async () => {
  const client = await JsonRpcTestClient.connect(port);
  const one = JSON.stringify(request(1, { text: 'héllo\nworld' }));
  client.writeRaw(Buffer.from(one).subarray(0, 10));
  await sleep(20);
  client.writeRaw(Buffer.concat([Buffer.from(one).subarray(10), Buffer.from('\r\n\n   \n')]));
  client.writeRaw(`${JSON.stringify(request(2))}\n${JSON.stringify(request(3))}\n`);
  await sleep(200);
  // Sent raw, so the client has no pending calls for them: they land in `unmatched`.
  const answers = client.unmatched.map((response) => response.result);
  expect(answers).toEqual([request(1, { text: 'héllo\nworld' }), request(2), request(3)]);
  expect(client.isClosed).toBe(false);
  client.close();
});

it('answers each call on a persistent connection, concurrently, matched by id', async () => {
  const client = await JsonRpcTestClient.connect(port);
  const slow = client.call('m', { delayMs: 150 });
  const fast = client.call('m', {});
  const order: string[] = [];
  await Promise.all([slow.then(() => order.push('slow')), fast.then(() => order.push('fast'))]);
  expect(order).toEqual(['fast', 'slow']);
  expect((await client.call('m', { text: 'héllo' })).result).toMatchObject({
    params: { text: 'héllo' },
  });
  client.close();
});

it('closes a connection that sends garbage, after a parse error, and keeps the others', async () => {
  const good = await JsonRpcTestClient.connect(port);
  const bad = await JsonRpcTestClient.connect(port);
  bad.writeRaw('HELO smtp.example.com');
  expect(await bad.nextUnmatched()).toEqual({
    jsonrpc: '2.0',
    id: null,
    error: { code: -32700, message: 'Parse error' },
  });
  await bad.closed;
  expect((await good.call('m')).result).toBeDefined();
  good.close();
});

it('refuses a message longer than the limit and closes the connection', async () => {
  const client = await JsonRpcTestClient.connect(port);
  client.writeRaw(`{"jsonrpc":"2.0","id":1,"params":"${'x'.repeat(2000)}`);
  expect(await client.nextUnmatched()).toMatchObject({ error: { code: -32600 } });
  await client.closed;
});

it('answers calls already running before it closes a connection at shutdown', async () => {
  const client = await JsonRpcTestClient.connect(port);
  const running = client.call('m', { delayMs: 200 });
  await sleep(50);
  const closing = server.close(2000);
  expect((await running).result).toBeDefined();
  await closing;
  await client.closed;
});
