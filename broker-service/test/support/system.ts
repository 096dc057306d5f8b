import { Writable } from 'node:stream';
import amqp from 'amqplib';

import { Client } from 'pg';
import { type Logger, createLogger, parseConfig } from '@ms/service-kit';
import { type StoredLogEntry } from '@ms/service-kit/contracts';
import {
  infra,
  requireAllDependencies,
  uniqueName,
  withMongo,
  withPostgresAdmin,
} from '@ms/testing';
import * as auth from '../../../authentication-service/src/config';
import { start as startAuth } from '../../../authentication-service/src/service';
import * as listener from '../../../listener-service/src/config';
import { start as startListener } from '../../../listener-service/src/service';
import * as loggerService from '../../../logger-service/src/config';
import { start as startLogger } from '../../../logger-service/src/service';
import * as mail from '../../../mail-service/src/config';
import { start as startMail } from '../../../mail-service/src/service';
import { type RunningBroker, start as startBroker } from '../../src/service';
import { brokerConfig } from './broker-process';

/** Log lines a service wrote, parsed, so a test can look for a request id. */
export class CapturedLogs {
  readonly lines: Record<string, unknown>[] = [];
  readonly logger: Logger;

  constructor(service: string) {
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          this.lines.push(JSON.parse(line) as Record<string, unknown>);
        }
        done();
      },
    });
    this.logger = createLogger(service, { level: 'info', destination: sink });
  }

  withRequestId(requestId: string): Record<string, unknown>[] {
    return this.lines.filter((line) => line.requestId === requestId);
  }
}

interface Restartable {
  stop(): Promise<void>;
  start(): Promise<void>;
}

/**
 * The whole system in this process, on free ports, against the real infrastructure, with
 * names of its own (Postgres database, MongoDB database, listener queues), so that test
 * files can run side by side. Each service can be stopped and started again on its ports.
 */
export class SystemUnderTest {
  readonly name = uniqueName('broker_e2e');
  readonly loggerLogs = new CapturedLogs('logger-service');
  readonly quiet = createLogger('e2e', { level: 'silent' });
  readonly mailhogApiUrl = infra().mailhogApiUrl;
  broker!: RunningBroker & { url: string };
  logger!: Restartable & { httpPort: number; rpcPort: number; grpcPort: number };
  authService!: Restartable & { port: number };
  mailService!: Restartable & { port: number };
  listenerService!: Restartable;
  readonly listenerQueue = `${this.name}.listener`;
  /** An exchange of its own, so no other test file's events reach this system's queues. */
  readonly logsExchange = `${this.name}.logs`;
  private readonly retryDelaysMs = [200, 500, 1000];
  private readonly pgDatabase = this.name;
  private readonly mongoDatabase = this.name;

  /** Starts every service, once the infrastructure they need answers (or skips the tests). */
  async start(brokerEnv: Record<string, string> = {}): Promise<void> {
    await requireAllDependencies();
    const { postgresUrl, amqpUrl, mongoUrl, mailHost, mailPort } = infra();
    await withPostgresAdmin((client) => client.query(`CREATE DATABASE "${this.pgDatabase}"`));

    this.logger = await restartable(async (ports) => {
      const running = await startLogger(
        parseConfig(loggerService.configSchema, {
          LOG_LEVEL: 'info',
          MONGO_URL: mongoUrl,
          MONGO_DB: this.mongoDatabase,
          PORT: String(ports?.httpPort ?? 0),
          RPC_PORT: String(ports?.rpcPort ?? 0),
          GRPC_PORT: String(ports?.grpcPort ?? 0),
        }),
        { logger: this.loggerLogs.logger },
      );
      return {
        ...running,
        ports: { httpPort: running.httpPort, rpcPort: running.rpcPort, grpcPort: running.grpcPort },
      };
    });
    const loggerUrl = `http://127.0.0.1:${this.logger.httpPort}`;

    const pgUrl = new URL(postgresUrl);
    pgUrl.pathname = `/${this.pgDatabase}`;
    this.authService = await restartable(async (ports) => {
      const running = await startAuth(
        parseConfig(auth.configSchema, {
          PORT: String(ports?.port ?? 0),
          POSTGRES_URL: pgUrl.toString(),
          LOGGER_SERVICE_URL: loggerUrl,
          BCRYPT_COST: '4',
        }),
        { logger: this.quiet },
      );
      return { ...running, ports: { port: running.port } };
    });

    this.mailService = await restartable(async (ports) => {
      const running = await startMail(
        parseConfig(mail.configSchema, {
          PORT: String(ports?.port ?? 0),
          MAIL_HOST: mailHost,
          MAIL_PORT: String(mailPort),
        }),
        { logger: this.quiet },
      );
      return { ...running, ports: { port: running.port } };
    });

    this.listenerService = await restartable(async () => {
      const running = await startListener(
        parseConfig(listener.configSchema, {
          PORT: '0',
          AMQP_URL: amqpUrl,
          LOGGER_SERVICE_URL: loggerUrl,
          LOGS_EXCHANGE: this.logsExchange,
          LISTENER_QUEUE: this.listenerQueue,
          DEAD_LETTER_EXCHANGE: `${this.name}.dead`,
          DEAD_LETTER_QUEUE: `${this.name}.listener.dead`,
          RETRY_DELAYS_MS: this.retryDelaysMs.join(','),
          MAX_ATTEMPTS: '200',
        }),
        { logger: this.quiet },
      );
      return { ...running, ports: {} };
    });

    const running = await startBroker(
      brokerConfig({
        AMQP_URL: amqpUrl,
        LOGS_EXCHANGE: this.logsExchange,
        AUTH_SERVICE_URL: `http://127.0.0.1:${this.authService.port}`,
        MAIL_SERVICE_URL: `http://127.0.0.1:${this.mailService.port}`,
        LOGGER_SERVICE_URL: loggerUrl,
        LOGGER_RPC_ADDR: `127.0.0.1:${this.logger.rpcPort}`,
        LOGGER_GRPC_ADDR: `127.0.0.1:${this.logger.grpcPort}`,
        ...brokerEnv,
      }),
      { logger: this.quiet },
    );
    this.broker = { ...running, url: `http://127.0.0.1:${running.port}` };
    await running.amqpConnected;
  }

  /** Gives the admin user a name of this test file's own, so its login events are recognisable. */
  async renameAdmin(email: string): Promise<void> {
    const url = new URL(infra().postgresUrl);
    url.pathname = `/${this.pgDatabase}`;
    const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      await client.query(`UPDATE users SET email = $1 WHERE email = 'admin@example.com'`, [email]);
    } finally {
      await client.end();
    }
  }

  /** The logger's listing of the entries under a name, through the broker's GET /logs. */
  async listed(name: string): Promise<StoredLogEntry[]> {
    const query = new URLSearchParams({ name, limit: '500' });
    const response = await fetch(`${this.broker.url}/logs?${query}`, {
      signal: AbortSignal.timeout(5000),
    });
    if (response.status !== 200) throw new Error(`GET /logs answered ${response.status}`);
    return ((await response.json()) as { data: StoredLogEntry[] }).data;
  }

  /** Messages waiting in the listener's work and retry queues. */
  async queuedEvents(): Promise<number> {
    const connection = await amqp.connect(infra().amqpUrl, { timeout: 5000 });
    try {
      const channel = await connection.createChannel();
      let total = 0;
      for (const queue of [
        this.listenerQueue,
        ...this.retryDelaysMs.map((ms) => `${this.listenerQueue}.retry.${ms}ms`),
      ]) {
        total += (await channel.checkQueue(queue)).messageCount;
      }
      return total;
    } finally {
      await connection.close();
    }
  }

  async stop(): Promise<void> {
    await this.broker?.stop();
    await this.listenerService?.stop();
    await this.mailService?.stop();
    await this.authService?.stop();
    await this.logger?.stop();
    await this.cleanUp();
  }

  private async cleanUp(): Promise<void> {
    const connection = await amqp
      .connect(infra().amqpUrl, { timeout: 5000 })
      .catch(() => undefined);
    if (connection) {
      const channel = await connection.createChannel();
      const queues = [
        this.listenerQueue,
        `${this.name}.listener.dead`,
        ...this.retryDelaysMs.map((ms) => `${this.listenerQueue}.retry.${ms}ms`),
      ];
      for (const queue of queues) await channel.deleteQueue(queue);
      await channel.deleteExchange(`${this.name}.dead`);
      await channel.deleteExchange(this.logsExchange);
      await connection.close();
    }
    await withMongo((client) => client.db(this.mongoDatabase).dropDatabase()).catch(
      () => undefined,
    );
    await withPostgresAdmin((client) =>
      client.query(`DROP DATABASE IF EXISTS "${this.pgDatabase}" WITH (FORCE)`),
    ).catch(() => undefined);
  }
}

/** Starts a service and keeps what is needed to start it again on the same ports. */
async function restartable<P extends object, R extends { stop(): Promise<void>; ports: P }>(
  launch: (ports?: P) => Promise<R>,
): Promise<Restartable & P> {
  let current: R | undefined = await launch();
  const ports = current.ports;
  return {
    ...ports,
    stop: async () => {
      const running = current;
      current = undefined;
      await running?.stop();
    },
    start: async () => {
      if (!current) current = await launch(ports);
    },
  };
}
