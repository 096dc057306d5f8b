import { readFileSync } from 'node:fs';
import { type Socket, connect } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '@ms/service-kit';
import { GobWriter, gobField } from '@ms/service-kit/gob';
import { eventually } from '@ms/testing';
import { type GobCallHandler, RpcServer, type RpcMessageHandler } from '../../src/rpc/rpc-server';
import { JsonRpcTestClient } from '../support/json-rpc-client';

// The transport with fake handlers: framing only, no database.
const logLines: { msg?: string }[] = [];
const logger = createLogger('logger-service', {
  level: 'warn',
  destination: new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      logLines.push(JSON.parse(chunk.toString()) as { msg?: string });
      done();
    },
  }),
});
const echo: RpcMessageHandler = async (message) => {
  const { id, params } = message as { id?: number; params?: { delayMs?: number } };
  if (params?.delayMs) await sleep(params.delayMs);
  return id === undefined ? undefined : { jsonrpc: '2.0', id, result: message };
};

/** Answers as the project's Go peer (go-rpc-peer serve) does. */
const goLike: GobCallHandler = async (request) => {
  const name = gobField(request.body, 'Name') as string;
  if (request.serviceMethod !== 'RPCServer.LogInfo') {
    return { error: `rpc: can't find method ${request.serviceMethod}` };
  }
  if (name.startsWith('fail')) return { error: `go peer refuses ${name}` };
  if (name === 'slow') await sleep(150);
  return { reply: `Processed payload via RPC: ${name}` };
};

let server: RpcServer;
let port: number;

beforeEach(async () => {
  server = new RpcServer({ handler: echo, gobHandler: goLike, logger, maxMessageBytes: 1000 });
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

const streams = path.join(__dirname, '../../../packages/testing/go-rpc-peer/streams');
const goClientStream = readFileSync(path.join(streams, 'gob-client-to-server.bin'));
const goServerStream = readFileSync(path.join(streams, 'gob-server-to-client.bin'));

/** A raw TCP peer that keeps every byte it receives. */
async function rawPeer(): Promise<{
  socket: Socket;
  received: () => Buffer;
  closed: Promise<void>;
}> {
  const socket = connect({ port, host: '127.0.0.1' });
  await new Promise((resolve) => socket.once('connect', resolve));
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => Buffer.concat(chunks), closed };
}

describe('Go net/rpc (gob) on the same port', () => {
  it('answers the Go client stream with the bytes the Go server wrote', async () => {
    const peer = await rawPeer();
    peer.socket.write(goClientStream);
    await eventually(() => peer.received().length >= goServerStream.length, { timeoutMs: 5000 });
    expect(peer.received().toString('hex')).toBe(goServerStream.toString('hex'));
    expect(peer.socket.destroyed).toBe(false);
    peer.socket.destroy();
  });

  it('closes a connection whose gob stream is bad, with a log line, and keeps the others', async () => {
    const good = await JsonRpcTestClient.connect(port);
    const bad = await rawPeer();
    const requestDefinition = goClientStream.subarray(0, 1 + goClientStream[0]!);
    bad.socket.write(Buffer.concat([requestDefinition, new GobWriter().int(99).uint(0).message()]));
    await bad.closed;
    expect(bad.received().length).toBe(0);
    expect(logLines).toContainEqual(
      expect.objectContaining({ msg: 'rpc connection closed: gob: value of unknown type id 99' }),
    );
    expect((await good.call('m')).result).toBeDefined();
    good.close();
  });

  it('closes a connection that announces a gob message over the limit', async () => {
    const bad = await rawPeer();
    bad.socket.write(
      Buffer.concat([goClientStream.subarray(0, 47), Buffer.from('fe1000ff80', 'hex')]),
    );
    await bad.closed;
    expect(logLines).toContainEqual(
      expect.objectContaining({ msg: expect.stringMatching(/over the limit of 1000/) }),
    );
  });

  it('logs a gob stream that ends inside a message when the client closes its side', async () => {
    const bad = await rawPeer();
    bad.socket.end(goClientStream.subarray(0, 60));
    await bad.closed;
    expect(logLines).toContainEqual(
      expect.objectContaining({ msg: 'rpc connection closed: gob stream ends inside a message' }),
    );
  });
});
