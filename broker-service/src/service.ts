import type { Server } from 'node:http';
import {
  type Logger,
  Readiness,
  ServiceResources,
  type StartDeps,
  createHttpApp,
  errorSummary,
} from '@ms/service-kit';
import { AmqpEventPublisher } from './amqp/event-publisher';
import { AuthClient } from './clients/auth-client';
import {
  type BreakerState,
  DOWNSTREAMS,
  type Downstream,
  DownstreamBreaker,
} from './clients/circuit-breaker';
import { CoalescingLogWriter } from './clients/coalescing-log-writer';
import {
  guardAuth,
  guardBatchWriter,
  guardLogReader,
  guardLogWriter,
  guardMail,
} from './clients/guarded';
import { LoggerHttpClient } from './clients/logger-http-client';
import { MailClient } from './clients/mail-client';
import type { Config } from './config';
import { Broker } from './domain/broker';
import { GrpcLogsClient } from './grpc/logs-client';
import { TokenVerifier } from './auth/token-verifier';
import { brokerRoutes } from './http/routes';
import { type BrokerMetrics, createBrokerMetrics } from './metrics';
import { JsonRpcPool } from './rpc/json-rpc-pool';
import { LoggerRpcClient } from './rpc/logger-rpc-client';

export interface RunningBroker {
  port: number;
  server: Server;
  broker: Broker;
  publisher: AmqpEventPublisher;
  rpcPool: JsonRpcPool;
  breakers: Record<Downstream, DownstreamBreaker>;
  /** Resolves once RabbitMQ is connected (the HTTP server does not wait for it). */
  amqpConnected: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Creates every long-lived client once (a keep-alive HTTP pool per service, one
 * gRPC client, one JSON-RPC connection pool, one RabbitMQ connection with a confirm
 * channel), then serves HTTP. RabbitMQ connects in the background: until it is up,
 * publishes answer 503 and /readyz says so, while auth, mail and the other log
 * transports already work. Every call to auth, mail and the logger (per transport) goes
 * through that downstream's circuit breaker; the RabbitMQ path has its own reconnect logic.
 */
export async function start(config: Config, deps: StartDeps): Promise<RunningBroker> {
  const { logger } = deps;
  const [rpcHost = '', rpcPort = ''] = splitHostPort(config.LOGGER_RPC_ADDR);

  // One keep-alive pool per downstream service, HTTP_POOL_SIZE connections at most.
  const http = { timeoutMs: config.HTTP_CLIENT_TIMEOUT_MS, connections: config.HTTP_POOL_SIZE };
  const auth = new AuthClient({ ...http, baseUrl: config.AUTH_SERVICE_URL });
  const mail = new MailClient({ ...http, baseUrl: config.MAIL_SERVICE_URL });
  const loggerHttp = new LoggerHttpClient({ ...http, baseUrl: config.LOGGER_SERVICE_URL });
  const grpcClient = new GrpcLogsClient({
    address: config.LOGGER_GRPC_ADDR,
    timeoutMs: config.RPC_TIMEOUT_MS,
  });
  const rpcPool = new JsonRpcPool({
    host: rpcHost,
    port: Number(rpcPort),
    size: config.RPC_POOL_SIZE,
    serviceName: 'logger service',
    logger,
    protocol: config.LOGGER_RPC_PROTOCOL,
  });
  const metrics = createBrokerMetrics();
  const breakers = createBreakers(config, metrics, logger);
  const publisher = new AmqpEventPublisher({
    url: config.AMQP_URL,
    logger,
    exchange: config.LOGS_EXCHANGE,
    publishTimeoutMs: config.PUBLISH_TIMEOUT_MS,
    maxInFlight: config.PUBLISH_MAX_IN_FLIGHT,
  });

  const broker = new Broker({
    auth: guardAuth(auth, breakers.auth),
    mail: guardMail(mail, breakers.mail),
    logWriters: {
      rabbitmq: {
        write: async (entry) => {
          await publisher.publish(entry);
          return 'logged via RabbitMQ';
        },
      },
      // Concurrent writes leave as one batch call (a lone write as the plain single call).
      http: new CoalescingLogWriter(guardBatchWriter(loggerHttp, breakers['logger-http']), {
        target: 'logger service',
        timeoutMs: config.HTTP_CLIENT_TIMEOUT_MS,
        logger,
      }),
      rpc: guardLogWriter(
        new LoggerRpcClient(
          rpcPool,
          config.RPC_TIMEOUT_MS,
          config.LOGGER_RPC_PROTOCOL === 'gob' ? 'RPCServer.LogInfo' : 'LogInfo',
          config.LOGGER_RPC_PROTOCOL === 'gob' ? 'go_net_rpc' : 'jsonrpc',
        ),
        breakers['logger-rpc'],
      ),
      grpc: new CoalescingLogWriter(guardBatchWriter(grpcClient, breakers['logger-grpc']), {
        target: 'logger service',
        timeoutMs: config.RPC_TIMEOUT_MS,
        logger,
      }),
    },
    logReader: guardLogReader(loggerHttp, breakers['logger-http']),
    events: publisher,
    logger,
  });

  const amqpConnected = publisher.start(deps.signal);
  amqpConnected.catch((err: unknown) => {
    logger.info({ err: errorSummary(err) }, 'RabbitMQ connect loop stopped');
  });
  void rpcPool.warmUp(config.RPC_TIMEOUT_MS);

  // An open breaker is reported, never a reason to be unready: taking the broker out of
  // the load balancer would not bring a downstream back, and the other actions still work.
  const readiness = new Readiness(logger)
    .add('rabbitmq', () => {
      if (!publisher.isReady) throw new Error('not connected');
    })
    .describe('breakers', () =>
      Object.fromEntries(DOWNSTREAMS.map((name) => [name, breakers[name].describe()])),
    );
  const app = createHttpApp({
    service: 'broker-service',
    logger,
    corsOrigins: config.CORS_ORIGINS,
    readiness,
    metrics,
    routes: brokerRoutes(
      broker,
      new TokenVerifier({
        jwksUrl: config.TOKEN_JWKS_URL,
        issuer: config.TOKEN_ISSUER,
        audience: config.TOKEN_AUDIENCE,
        timeoutMs: config.JWKS_TIMEOUT_MS,
        cacheMaxAgeMs: config.JWKS_CACHE_MAX_AGE_MS,
        cooldownMs: config.JWKS_COOLDOWN_MS,
      }),
    ),
  });
  // Closed in reverse: the server drains, then the broker's own work in flight, then
  // RabbitMQ and the downstream clients.
  return ServiceResources.open(async (resources) => {
    resources.add('auth client', auth, (client) => client.close());
    resources.add('mail client', mail, (client) => client.close());
    resources.add('logger http client', loggerHttp, (client) => client.close());
    resources.add('logger grpc client', grpcClient, (client) => client.close());
    resources.add('logger rpc pool', rpcPool, (pool) => pool.close());
    resources.add('rabbitmq publisher', publisher, (amqp) => amqp.close());
    resources.onClose('work in flight', () => broker.drain());
    const { server, port } = await resources.serveHttp(app, config.PORT);
    logger.info({ port }, 'broker-service listening');
    return {
      port,
      server,
      broker,
      publisher,
      rpcPool,
      breakers,
      amqpConnected,
      stop: () => resources.closeAll(),
    };
  });
}

/** One breaker per downstream; its state changes go to /metrics and the log, rejections to /metrics. */
function createBreakers(
  config: Config,
  metrics: BrokerMetrics,
  logger: Logger,
): Record<Downstream, DownstreamBreaker> {
  const onStateChange = (downstream: Downstream, state: BreakerState) => {
    metrics.breakerStateChanged(downstream, state);
    const line = { downstream, state };
    if (state === 'open') logger.warn(line, `circuit breaker ${downstream} opened`);
    else logger.info(line, `circuit breaker ${downstream} ${state}`);
  };
  const breaker = (downstream: Downstream, serviceName: string, callTimeoutMs: number) =>
    new DownstreamBreaker({
      downstream,
      serviceName,
      failures: config.BREAKER_FAILURES,
      cooldownMs: config.BREAKER_COOLDOWN_MS,
      callTimeoutMs,
      onRejected: metrics.breakerRejected,
      onStateChange,
    });
  return {
    auth: breaker('auth', 'authentication service', config.HTTP_CLIENT_TIMEOUT_MS),
    mail: breaker('mail', 'mail service', config.HTTP_CLIENT_TIMEOUT_MS),
    'logger-http': breaker('logger-http', 'logger service', config.HTTP_CLIENT_TIMEOUT_MS),
    'logger-rpc': breaker('logger-rpc', 'logger service', config.RPC_TIMEOUT_MS),
    'logger-grpc': breaker('logger-grpc', 'logger service', config.RPC_TIMEOUT_MS),
  };
}

function splitHostPort(address: string): [string, string] {
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon), address.slice(colon + 1)];
}
