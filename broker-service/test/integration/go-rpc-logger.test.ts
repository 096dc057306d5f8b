import request from 'supertest';
import { parseConfig } from '@ms/service-kit';
import {
  GoRpcServer,
  freePort,
  goRpcPeerBinary,
  infra,
  requireMongo,
  uniqueName,
  withMongo,
} from '@ms/testing';
import { configSchema as loggerConfigSchema } from '../../../logger-service/src/config';
import { start as startLogger } from '../../../logger-service/src/service';
import { captureLogs, startBroker } from '../support/broker-process';

/**
 * LOGGER_RPC_PROTOCOL=gob: the broker's `via: "rpc"` speaks Go's net/rpc with gob, to a real
 * Go server of RPCServer.LogInfo (the project's Go peer, as the original logger serves it)
 * and to this project's logger.
 */
const closed = async () => `http://127.0.0.1:${await freePort()}`;

async function brokerOverGob(rpcAddress: string, logger = captureLogs('broker-service').logger) {
  return startBroker(
    {
      AMQP_URL: infra().amqpUrl,
      AUTH_SERVICE_URL: await closed(),
      MAIL_SERVICE_URL: await closed(),
      LOGGER_SERVICE_URL: await closed(),
      LOGGER_RPC_ADDR: rpcAddress,
      LOGGER_RPC_PROTOCOL: 'gob',
      RPC_POOL_SIZE: '2',
    },
    logger,
  );
}

const logVia = (url: string, name: string, data = 'over gob') =>
  request(url).post('/handle').send({ action: 'log', via: 'rpc', log: { name, data } });

describe('broker -> Go net/rpc server (gob)', () => {
  let go: GoRpcServer;
  let broker: Awaited<ReturnType<typeof startBroker>>;

  beforeAll(async () => {
    await goRpcPeerBinary(); // builds once per source version; fails with how to install Go
    go = await GoRpcServer.start('gob');
    broker = await brokerOverGob(go.address);
  }, 240_000);

  afterAll(async () => {
    await broker?.stop();
    await go?.stop();
  });

  it('logs via rpc through the Go server, which decodes the original RPCPayload', async () => {
    const name = uniqueName('gob_go');
    const response = await logVia(broker.url, name, 'héllo from TypeScript').expect(202);
    expect(response.body).toEqual({
      error: false,
      message: `Processed payload via RPC: ${name}`,
    });
    expect(go.received).toContainEqual({ name, data: 'héllo from TypeScript' });
  });

  it('multiplexes 40 concurrent requests over the pool, each answered', async () => {
    const name = uniqueName('gob_go_burst');
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => logVia(broker.url, name, `d${i}`)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(40).fill(202));
    expect(go.received.filter((entry) => entry.name === name)).toHaveLength(40);
    expect(broker.rpcPool.connectedCount).toBeLessThanOrEqual(2);
  });

  it("answers 502 to the Go server's error and keeps the connection for the next call", async () => {
    const failed = await logVia(broker.url, uniqueName('fail')).expect(502);
    expect(failed.body).toEqual({ error: true, message: 'logger service answered with an error' });
    await logVia(broker.url, uniqueName('gob_go_after')).expect(202);
  });
});

it("broker -> this project's logger over gob: stored, with the broker's request id", async () => {
  await requireMongo();
  const database = uniqueName('logs_gob');
  const loggerLogs = captureLogs('logger-service');
  const logger = await startLogger(
    parseConfig(loggerConfigSchema, {
      MONGO_URL: infra().mongoUrl,
      MONGO_DB: database,
      PORT: '0',
      RPC_PORT: '0',
      GRPC_PORT: '0',
      LOG_LEVEL: 'silent',
    }),
    { logger: loggerLogs.logger },
  );
  const brokerLogs = captureLogs('broker-service');
  const broker = await brokerOverGob(`127.0.0.1:${logger.rpcPort}`, brokerLogs.logger);
  try {
    const name = uniqueName('gob_ts');
    const response = await logVia(broker.url, name).set('X-Request-Id', `req-${name}`).expect(202);
    expect(response.body.message).toBe(`Processed payload via RPC: ${name}`);
    expect(loggerLogs.lines).toContainEqual(
      expect.objectContaining({ msg: 'rpc call', transport: 'gob', requestId: `req-${name}` }),
    );
    await withMongo(async (client) => {
      const stored = await client.db(database).collection('logs').find({ name }).toArray();
      expect(stored).toEqual([expect.objectContaining({ name, data: 'over gob' })]);
    });
  } finally {
    await broker.stop();
    await logger.stop();
    await withMongo((client) => client.db(database).dropDatabase());
  }
});
