import { type Server, type Socket, createServer } from 'node:net';
import request from 'supertest';
import { freePort, infra } from '@ms/testing';
import { startBroker } from '../support/broker-process';

const entry = { name: 'event', data: 'x' };
const bodies = {
  auth: { action: 'auth', auth: { email: 'admin@example.com', password: 'verysecret' } },
  mail: { action: 'mail', mail: { to: 'you@example.com', subject: 's', message: 'm' } },
  'log via http': { action: 'log', via: 'http', log: entry },
  'log via rpc': { action: 'log', via: 'rpc', log: entry },
  'log via grpc': { action: 'log', via: 'grpc', log: entry },
};

/** Accepts TCP connections and never answers: an HTTP, JSON-RPC or gRPC peer that hangs. */
async function blackHole(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('downstream services that cannot be reached', () => {
  let broker: Awaited<ReturnType<typeof startBroker>>;

  beforeAll(async () => {
    const closed = async () => `127.0.0.1:${await freePort()}`;
    broker = await startBroker({
      AMQP_URL: infra().amqpUrl,
      AUTH_SERVICE_URL: `http://${await closed()}`,
      MAIL_SERVICE_URL: `http://${await closed()}`,
      LOGGER_SERVICE_URL: `http://${await closed()}`,
      LOGGER_RPC_ADDR: await closed(),
      LOGGER_GRPC_ADDR: await closed(),
    });
  });
  afterAll(() => broker?.stop());

  it.each(Object.entries(bodies))('%s answers 503 within 2 s', async (_what, body) => {
    const started = Date.now();
    const response = await request(broker.url).post('/handle').send(body);
    expect(response.status).toBe(503);
    expect(response.body.error).toBe(true);
    expect(response.body.message).toMatch(/^(authentication|mail|logger) service unavailable$/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('GET /logs answers 503 within 2 s', async () => {
    const started = Date.now();
    const response = await request(broker.url).get('/logs');
    expect(response.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('never shows an address or stack to the client', async () => {
    const response = await request(broker.url).post('/handle').send(bodies['log via grpc']);
    expect(JSON.stringify(response.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|at /);
  });
});

describe('downstream services that accept a connection and never answer', () => {
  let hole: Awaited<ReturnType<typeof blackHole>>;
  let broker: Awaited<ReturnType<typeof startBroker>>;

  beforeAll(async () => {
    hole = await blackHole();
    const address = `127.0.0.1:${hole.port}`;
    broker = await startBroker({
      AMQP_URL: infra().amqpUrl,
      AUTH_SERVICE_URL: `http://${address}`,
      MAIL_SERVICE_URL: `http://${address}`,
      LOGGER_SERVICE_URL: `http://${address}`,
      LOGGER_RPC_ADDR: address,
      LOGGER_GRPC_ADDR: address,
      HTTP_CLIENT_TIMEOUT_MS: '500',
      RPC_TIMEOUT_MS: '500',
    });
  });
  afterAll(async () => {
    await broker?.stop();
    await hole?.close();
  });

  it.each(Object.entries(bodies))('%s answers 504 at its deadline', async (_what, body) => {
    const started = Date.now();
    const response = await request(broker.url).post('/handle').send(body);
    expect(response.status).toBe(504);
    expect(response.body.message).toMatch(/^(authentication|mail|logger) service timed out$/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
