import path from 'node:path';
import { parseConfig } from '@ms/service-kit';
import { type InfraUrls, REPO_ROOT } from '@ms/testing';
import { configSchema as authConfigSchema } from '../../../authentication-service/src/config';
import { configSchema as brokerConfigSchema } from '../../../broker-service/src/config';
import { retryQueueName } from '../../../listener-service/src/amqp/topology';
import { configSchema as listenerConfigSchema } from '../../../listener-service/src/config';
import { configSchema as mailConfigSchema } from '../../../mail-service/src/config';

/** Names the run owns in the shared infrastructure, all derived from one unique run id. */
export interface BenchNames {
  runId: string;
  mongoDb: string;
  exchange: string;
  listenerQueue: string;
  deadLetterExchange: string;
  deadLetterQueue: string;
  /** Every mail of the run goes to this address (in the run's own MailHog). */
  mailbox: string;
}

export function benchNames(runId: string): BenchNames {
  return {
    runId,
    mongoDb: runId,
    exchange: `${runId}.logs_topic`,
    listenerQueue: `${runId}.listener`,
    deadLetterExchange: `${runId}.dead`,
    deadLetterQueue: `${runId}.listener.dead`,
    mailbox: `${runId}@example.com`,
  };
}

/** Eight consecutive ports from a base below Linux's ephemeral range (so port-0 tests never take them). */
export interface BenchPorts {
  broker: number;
  auth: number;
  logger: number;
  mail: number;
  listener: number;
  expressReference: number;
  loggerRpc: number;
  loggerGrpc: number;
}

export function benchPorts(base: number): BenchPorts {
  return {
    broker: base,
    auth: base + 1,
    logger: base + 2,
    mail: base + 3,
    listener: base + 4,
    expressReference: base + 5,
    loggerRpc: base + 6,
    loggerGrpc: base + 7,
  };
}

export type ServiceName = 'logger' | 'auth' | 'mail' | 'listener' | 'broker';

export interface ServicePlan {
  name: ServiceName;
  folder: string;
  port: number;
  env: NodeJS.ProcessEnv;
}

export interface StackPlan {
  names: BenchNames;
  ports: BenchPorts;
  services: ServicePlan[];
  /** Settings the references must match, as the services will read them from `env`. */
  effective: {
    mailPoolSize: number;
    bcryptCost: number;
    rpcPoolSize: number;
    /** Every queue and exchange the listener declares for this run. */
    amqpQueues: string[];
    amqpExchanges: string[];
  };
}

export interface PlanInput {
  names: BenchNames;
  ports: BenchPorts;
  infra: InfraUrls;
  authPostgresUrl: string;
  logLevel: string;
  /** The caller's environment; service tuning variables in it (PREFETCH, MAIL_POOL_SIZE, ...) pass through. */
  baseEnv: NodeJS.ProcessEnv;
}

/**
 * Each service's environment for the run: production mode, the bench's ports, its own
 * database, exchange and queues. Anything else in the caller's environment passes through,
 * so a tuning variable can be tried with `VAR=value make bench`.
 */
export function planStack(input: PlanInput): StackPlan {
  const { names, ports, infra } = input;
  const local = (port: number) => `http://127.0.0.1:${port}`;
  const common = { ...input.baseEnv, NODE_ENV: 'production', LOG_LEVEL: input.logLevel };
  const amqp = {
    AMQP_URL: infra.amqpUrl,
    LOGS_EXCHANGE: names.exchange,
  };
  const services: ServicePlan[] = [
    {
      name: 'logger',
      folder: 'logger-service',
      port: ports.logger,
      env: {
        ...common,
        PORT: String(ports.logger),
        RPC_PORT: String(ports.loggerRpc),
        GRPC_PORT: String(ports.loggerGrpc),
        MONGO_URL: infra.mongoUrl,
        MONGO_DB: names.mongoDb,
      },
    },
    {
      name: 'auth',
      folder: 'authentication-service',
      port: ports.auth,
      env: {
        ...common,
        PORT: String(ports.auth),
        POSTGRES_URL: input.authPostgresUrl,
        LOGGER_SERVICE_URL: local(ports.logger),
        // The broker forwards its caller's address; trust it from loopback only (as make dev does).
        TRUST_PROXY: 'loopback',
      },
    },
    {
      name: 'mail',
      folder: 'mail-service',
      port: ports.mail,
      env: {
        ...common,
        PORT: String(ports.mail),
        MAIL_HOST: infra.mailHost,
        MAIL_PORT: String(infra.mailPort),
      },
    },
    {
      name: 'listener',
      folder: 'listener-service',
      port: ports.listener,
      env: {
        ...common,
        ...amqp,
        PORT: String(ports.listener),
        LOGGER_SERVICE_URL: local(ports.logger),
        LISTENER_QUEUE: names.listenerQueue,
        DEAD_LETTER_EXCHANGE: names.deadLetterExchange,
        DEAD_LETTER_QUEUE: names.deadLetterQueue,
      },
    },
    {
      name: 'broker',
      folder: 'broker-service',
      port: ports.broker,
      env: {
        ...common,
        ...amqp,
        PORT: String(ports.broker),
        AUTH_SERVICE_URL: local(ports.auth),
        LOGGER_SERVICE_URL: local(ports.logger),
        MAIL_SERVICE_URL: local(ports.mail),
        LOGGER_RPC_ADDR: `127.0.0.1:${ports.loggerRpc}`,
        LOGGER_GRPC_ADDR: `127.0.0.1:${ports.loggerGrpc}`,
      },
    },
  ];
  const envOf = (name: ServiceName) => services.find((s) => s.name === name)!.env;
  const listener = parseConfig(listenerConfigSchema, envOf('listener'));
  return {
    names,
    ports,
    services,
    effective: {
      mailPoolSize: parseConfig(mailConfigSchema, envOf('mail')).MAIL_POOL_SIZE,
      bcryptCost: parseConfig(authConfigSchema, envOf('auth')).BCRYPT_COST,
      rpcPoolSize: parseConfig(brokerConfigSchema, envOf('broker')).RPC_POOL_SIZE,
      amqpQueues: [
        names.listenerQueue,
        names.deadLetterQueue,
        ...listener.RETRY_DELAYS_MS.map((ms) => retryQueueName(names.listenerQueue, ms)),
      ],
      amqpExchanges: [names.exchange, names.deadLetterExchange],
    },
  };
}

export function distEntry(folder: string): string {
  return path.join(REPO_ROOT, folder, 'dist', 'main.js');
}
