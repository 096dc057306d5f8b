// Safe with replicas, as the Kubernetes overlays run the system: two instances of every
// stateless service, each on its own ports, against the same Postgres database, MongoDB
// database and RabbitMQ queue. The loggers sit behind a round-robin TCP proxy, as behind a
// ClusterIP Service. Proves: events published through both brokers are stored exactly once
// by two competing listeners and two loggers; the failed-login limit holds across two
// authentication instances (the counts live in Postgres); the broker's side events and its
// JSON-RPC pool (and HTTP and gRPC) keep working when one logger replica goes away.
import { Writable } from 'node:stream';
import { type Logger, createLogger, parseConfig } from '@ms/service-kit';
import {
  createScratchDatabase,
  eventually,
  infra,
  requireMongo,
  requirePostgres,
  requireRabbitMq,
  uniqueName,
  deleteRabbitNames,
  withMongo,
} from '@ms/testing';
import * as authConfig from '../../authentication-service/src/config';
import { start as startAuth } from '../../authentication-service/src/service';
import * as brokerConfig from '../../broker-service/src/config';
import { type RunningBroker, start as startBroker } from '../../broker-service/src/service';
import * as listenerConfig from '../../listener-service/src/config';
import { retryQueueName } from '../../listener-service/src/amqp/topology';
import { start as startListener } from '../../listener-service/src/service';
import * as loggerConfig from '../../logger-service/src/config';
import { type RunningLogger, start as startLogger } from '../../logger-service/src/service';
import * as mailConfig from '../../mail-service/src/config';
import { start as startMail } from '../../mail-service/src/service';
import { RoundRobinProxy } from './support/round-robin-proxy';

const MAX_FAILURES = 4;
const quiet = createLogger('replicas', { level: 'silent' });

/** A logger whose lines a test can count (the listener logs each stored event at debug). */
function capture(service: string): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger(service, { level: 'debug', destination: sink }), lines };
}

interface Stoppable {
  stop(): Promise<void>;
}

describe('two replicas of every stateless service', () => {
  const name = uniqueName('replicas');
  const exchange = `${name}.logs`;
  const queue = `${name}.listener`;
  const deadExchange = `${name}.dead`;
  const deadQueue = `${name}.listener.dead`;
  const retryDelaysMs = [200, 500];
  const running: Stoppable[] = [];
  const proxies: RoundRobinProxy[] = [];
  const listenerLogs = [capture('listener-1'), capture('listener-2')];
  let loggers: RunningLogger[];
  let brokers: (RunningBroker & { url: string })[];
  let loggerHttp: RoundRobinProxy;
  let dropDatabase: () => Promise<void>;

  const post = (broker: { url: string }, body: unknown) =>
    fetch(`${broker.url}/handle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      // a safety net, not a latency check: the machine may be busy
      signal: AbortSignal.timeout(30_000),
    });
  const stored = (filter: Record<string, unknown>) =>
    withMongo((client) =>
      client
        .db(name)
        .collection('logs')
        .find(filter, { projection: { data: 1, event_id: 1 } })
        .toArray(),
    );

  beforeAll(async () => {
    await requirePostgres();
    await requireRabbitMq();
    await requireMongo();
    const { amqpUrl, mongoUrl, mailHost, mailPort } = infra();
    const database = await createScratchDatabase(name);
    dropDatabase = () => database.drop();

    loggers = [];
    for (let i = 0; i < 2; i++) {
      const logger = await startLogger(
        parseConfig(loggerConfig.configSchema, {
          LOG_LEVEL: 'silent',
          MONGO_URL: mongoUrl,
          MONGO_DB: name,
          PORT: '0',
          RPC_PORT: '0',
          GRPC_PORT: '0',
        }),
        { logger: quiet },
      );
      loggers.push(logger);
      running.push(logger);
    }
    const behindProxy = async (port: (l: RunningLogger) => number) => {
      const proxy = await new RoundRobinProxy(
        loggers.map((l) => ({ host: '127.0.0.1', port: port(l) })),
      ).open();
      proxies.push(proxy);
      return proxy;
    };
    loggerHttp = await behindProxy((l) => l.httpPort);
    const loggerRpc = await behindProxy((l) => l.rpcPort);
    const loggerGrpc = await behindProxy((l) => l.grpcPort);
    const loggerUrl = `http://${loggerHttp.address}`;

    const auths = [];
    const mails = [];
    for (let i = 0; i < 2; i++) {
      const auth = await startAuth(
        parseConfig(authConfig.configSchema, {
          PORT: '0',
          POSTGRES_URL: database.url,
          LOGGER_SERVICE_URL: loggerUrl,
          BCRYPT_COST: '4',
          LOGIN_MAX_FAILURES: String(MAX_FAILURES),
          LOGIN_FAILURE_WINDOW_MS: '60000',
          TRUST_PROXY: 'loopback',
        }),
        { logger: quiet },
      );
      const mail = await startMail(
        parseConfig(mailConfig.configSchema, {
          PORT: '0',
          MAIL_HOST: mailHost,
          MAIL_PORT: String(mailPort),
        }),
        { logger: quiet },
      );
      auths.push(auth);
      mails.push(mail);
      running.push(auth, mail);
    }

    for (const { logger } of listenerLogs) {
      const listener = await startListener(
        parseConfig(listenerConfig.configSchema, {
          PORT: '0',
          AMQP_URL: amqpUrl,
          LOGGER_SERVICE_URL: loggerUrl,
          LOGS_EXCHANGE: exchange,
          LISTENER_QUEUE: queue,
          DEAD_LETTER_EXCHANGE: deadExchange,
          DEAD_LETTER_QUEUE: deadQueue,
          RETRY_DELAYS_MS: retryDelaysMs.join(','),
          MAX_ATTEMPTS: '100',
          // small batches and prefetch, so that RabbitMQ spreads the events over both
          PREFETCH: '10',
          BATCH_MAX_ENTRIES: '5',
        }),
        { logger },
      );
      running.push(listener);
    }

    brokers = [];
    for (let i = 0; i < 2; i++) {
      const broker = await startBroker(
        parseConfig(brokerConfig.configSchema, {
          PORT: '0',
          LOG_LEVEL: 'silent',
          AMQP_URL: amqpUrl,
          LOGS_EXCHANGE: exchange,
          // each broker its own authentication and mail instance: the limit must hold across them
          AUTH_SERVICE_URL: `http://127.0.0.1:${auths[i]?.port}`,
          MAIL_SERVICE_URL: `http://127.0.0.1:${mails[i]?.port}`,
          LOGGER_SERVICE_URL: loggerUrl,
          LOGGER_RPC_ADDR: loggerRpc.address,
          LOGGER_GRPC_ADDR: loggerGrpc.address,
        }),
        { logger: quiet },
      );
      await broker.amqpConnected;
      brokers.push({ ...broker, url: `http://127.0.0.1:${broker.port}` });
      running.push(broker);
    }
  }, 60_000);

  afterAll(async () => {
    // brokers first, then listeners, auth and mail, loggers last
    for (const service of running.reverse()) await service.stop().catch(() => undefined);
    for (const proxy of proxies) await proxy.close();
    await deleteRabbitNames({
      queues: [queue, deadQueue, ...retryDelaysMs.map((ms) => retryQueueName(queue, ms))],
      exchanges: [exchange, deadExchange],
    });
    await withMongo((client) => client.db(name).dropDatabase()).catch(() => undefined);
    await dropDatabase?.();
  }, 60_000);

  it('stores events published through both brokers exactly once, with both listeners consuming', async () => {
    const total = 200;
    const answers = await Promise.all(
      Array.from({ length: total }, (_, i) =>
        post(brokers[i % 2] as { url: string }, {
          action: 'log',
          log: { name: `${name}-event`, data: `event ${i}` },
        }).then((r) => r.status),
      ),
    );
    expect(answers.filter((status) => status !== 202)).toEqual([]);

    await eventually(async () => (await stored({ name: `${name}-event` })).length >= total, {
      timeoutMs: 20_000,
    });
    // a moment more, so that a second copy would have arrived too
    await new Promise((resolve) => setTimeout(resolve, 500));
    const entries = await stored({ name: `${name}-event` });
    expect(entries).toHaveLength(total);
    expect(new Set(entries.map((e) => e.data)).size).toBe(total);

    const storedBy = listenerLogs.map(
      ({ lines }) =>
        lines.filter((l) => l.msg === 'log event stored' && l.name === `${name}-event`).length,
    );
    expect(storedBy[0]).toBeGreaterThan(0);
    expect(storedBy[1]).toBeGreaterThan(0);
    expect((storedBy[0] ?? 0) + (storedBy[1] ?? 0)).toBeGreaterThanOrEqual(total);
    // both loggers took connections (round robin, as behind a Service)
    expect([...loggerHttp.connections.values()].every((n) => n > 0)).toBe(true);
  });

  it('holds the failed-login limit across two authentication instances', async () => {
    const email = 'admin@example.com';
    // MAX_FAILURES failures, alternating between the brokers (and so the two auth instances):
    // each instance alone has seen only half of them.
    for (let i = 0; i < MAX_FAILURES; i++) {
      const answer = await post(brokers[i % 2] as { url: string }, {
        action: 'auth',
        auth: { email, password: `wrong ${i}` },
      });
      expect(answer.status).toBe(401);
    }
    for (const broker of brokers) {
      const blocked = await post(broker, {
        action: 'auth',
        auth: { email, password: 'verysecret' },
      });
      expect(blocked.status).toBe(429);
    }
    // another email from the same client is not blocked on either instance
    for (const broker of brokers) {
      const other = await post(broker, {
        action: 'auth',
        auth: { email: 'nobody@example.com', password: 'x' },
      });
      expect(other.status).toBe(401);
    }
  });

  it('keeps side events, JSON-RPC, gRPC and HTTP logging working when a logger replica goes away', async () => {
    // warm every path through both loggers first, so that the pools hold connections to each
    for (const via of ['rpc', 'grpc', 'http']) {
      for (let i = 0; i < 8; i++) {
        const answer = await post(brokers[i % 2] as { url: string }, {
          action: 'log',
          via,
          log: { name: `${name}-warm`, data: `${via} ${i}` },
        });
        expect(answer.status).toBe(202);
      }
    }

    // as in a rolling update: the endpoint is removed, then the pod drains and stops
    const leaving = loggers[0] as RunningLogger;
    for (const [proxy, port] of [
      [proxies[0], leaving.httpPort],
      [proxies[1], leaving.rpcPort],
      [proxies[2], leaving.grpcPort],
    ] as const) {
      proxy?.remove({ host: '127.0.0.1', port });
    }
    await leaving.stop();
    running.splice(running.indexOf(leaving), 1);

    const after: Record<string, number[]> = { rpc: [], grpc: [], http: [] };
    for (const via of Object.keys(after)) {
      for (let i = 0; i < 10; i++) {
        const answer = await post(brokers[i % 2] as { url: string }, {
          action: 'log',
          via,
          log: { name: `${name}-after`, data: `${via} ${i}` },
        });
        after[via]?.push(answer.status);
      }
    }
    // a call may meet a connection the leaving logger just closed; every later one succeeds
    for (const [via, statuses] of Object.entries(after)) {
      expect(`${via}: ${statuses.slice(2).join(',')}`).toBe(
        `${via}: ${Array(8).fill(202).join(',')}`,
      );
    }

    // side events (broker_hit) published by both brokers reach the remaining logger, once each
    for (const broker of brokers) {
      expect((await fetch(broker.url, { signal: AbortSignal.timeout(5000) })).status).toBe(202);
    }
    await eventually(async () => (await stored({ name: 'broker_hit' })).length >= 2, {
      timeoutMs: 15_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await stored({ name: 'broker_hit' })).toHaveLength(2);
    expect((await stored({ name: `${name}-after` })).length).toBeGreaterThanOrEqual(
      Object.values(after)
        .flat()
        .filter((s) => s === 202).length,
    );
  });
});
