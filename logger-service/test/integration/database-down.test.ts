import { setTimeout as sleep } from 'node:timers/promises';
import { eventually, ferretDbProcess, requireDependency, uniqueName } from '@ms/testing';
import request from 'supertest';
import { JsonRpcTestClient } from '../support/json-rpc-client';
import { type GrpcTestClient, grpcOutcome, grpcTestClient } from '../support/grpc-client';
import {
  CapturedLogs,
  type LoggerUnderTest,
  startLogger,
  testConfig,
} from '../support/logger-under-test';

// A private FerretDB this file may stop and start; the shared one is never touched.
let ferret: Awaited<ReturnType<typeof ferretDbProcess>>;
let config: ReturnType<typeof testConfig>;

beforeAll(async () => {
  ferret = await ferretDbProcess();
  await requireDependency('FerretDB binary (private instance)', `port ${ferret.port}`, () =>
    ferret.start(),
  );
  config = testConfig({ MONGO_URL: `mongodb://127.0.0.1:${ferret.port}` });
});

afterAll(async () => {
  // dispose stops the private FerretDB and drops the Postgres database it stored in
  await ferret.dispose();
});

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work;
  return { value, ms: Date.now() - started };
}

describe('when the database goes away and comes back', () => {
  let logger: LoggerUnderTest;
  let rpc: JsonRpcTestClient;
  let grpcClient: GrpcTestClient;

  beforeAll(async () => {
    await ferret.start();
    logger = await startLogger(config);
    rpc = await JsonRpcTestClient.connect(logger.rpcPort);
    grpcClient = grpcTestClient(logger.grpcPort);
  });

  afterAll(async () => {
    rpc?.close();
    grpcClient?.close();
    await logger?.stop();
  });

  const entry = () => ({ name: uniqueName('outage'), data: 'x' });
  const httpWrite = () => request(logger.baseUrl).post('/log').send(entry());
  const httpBatch = () =>
    request(logger.baseUrl)
      .post('/logs/batch')
      .send({ entries: [entry(), entry()] });

  it('answers 503 / UNAVAILABLE / a JSON-RPC error within 5 s, then recovers without a restart', async () => {
    expect((await httpWrite()).status).toBe(202);
    expect((await rpc.call('LogInfo', entry())).result).toBeDefined();
    expect(await grpcOutcome(grpcClient.writeLog({ logEntry: entry() }))).toBe('OK');

    await ferret.stop();

    const http = await timed(httpWrite());
    expect(http.value.status).toBe(503);
    expect(http.value.body).toEqual({ error: true, message: 'log store unavailable' });
    expect(http.ms).toBeLessThan(5000);

    const batch = await timed(httpBatch());
    expect(batch.value.status).toBe(503);
    expect(batch.value.body).toEqual({ error: true, message: 'log store unavailable' });
    expect(batch.ms).toBeLessThan(5000);

    const listing = await timed(request(logger.baseUrl).get('/logs'));
    expect(listing.value.status).toBe(503);
    expect(listing.ms).toBeLessThan(5000);

    const ready = await request(logger.baseUrl).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ error: true, data: { checks: { mongodb: 'failing' } } });

    const grpcCall = await timed(grpcOutcome(grpcClient.writeLog({ logEntry: entry() })));
    expect(grpcCall.value).toBe('UNAVAILABLE');
    expect(grpcCall.ms).toBeLessThan(5000);

    const grpcBatch = await timed(
      grpcOutcome(grpcClient.writeLogs({ entries: [{ logEntry: entry() }] })),
    );
    expect(grpcBatch.value).toBe('UNAVAILABLE');
    expect(grpcBatch.ms).toBeLessThan(5000);

    const rpcCall = await timed(rpc.call('LogInfo', entry()));
    expect(rpcCall.value.error).toEqual({ code: -32000, message: 'log store unavailable' });
    expect(rpcCall.ms).toBeLessThan(5000);

    await ferret.start();

    await eventually(async () => (await httpWrite()).status === 202, {
      timeoutMs: 20_000,
      what: 'HTTP writes to succeed again',
    });
    expect((await request(logger.baseUrl).get('/readyz')).status).toBe(200);
    expect((await httpBatch()).status).toBe(200);
    expect(await grpcOutcome(grpcClient.writeLog({ logEntry: entry() }))).toBe('OK');
    // The same persistent JSON-RPC connection as before the outage.
    expect((await rpc.call('LogInfo', entry())).result).toBeDefined();
  });
});

describe('at start-up', () => {
  it('waits for the database with backoff and starts once it answers', async () => {
    await ferret.stop();
    let started = false;
    const logs = new CapturedLogs();
    const starting = startLogger(config, undefined, logs).then((logger) => {
      started = true;
      return logger;
    });
    // A failed attempt takes the client's server-selection timeout: wait for the first
    // "not available" line rather than a fixed time, then bring the database back.
    await eventually(
      () => logs.lines.some((line) => String(line.msg).startsWith('mongodb not available yet')),
      { timeoutMs: 15_000, what: 'a logged wait for MongoDB' },
    );
    expect(started).toBe(false);

    await ferret.start();
    const logger = await starting;
    try {
      const res = await request(logger.baseUrl).post('/log').send({ name: 'late', data: 'x' });
      expect(res.status).toBe(202);
      const waits = logger.logs.lines.filter((line) =>
        String(line.msg).startsWith('mongodb not available yet'),
      );
      expect(waits.length).toBeGreaterThan(0);
    } finally {
      await logger.stop();
    }
  });

  it('stops waiting when shutdown aborts it', async () => {
    await ferret.stop();
    const controller = new AbortController();
    const starting = startLogger(config, controller.signal);
    await sleep(500);
    controller.abort();
    await expect(starting).rejects.toThrow();
  });
});
