import type { Server } from 'node:http';
import {
  type Logger,
  Readiness,
  closeHttpServer,
  createHttpApp,
  errorSummary,
  listen,
  portOf,
} from '@ms/service-kit';
import { AmqpEventPublisher } from './amqp/event-publisher';
import { AuthClient } from './clients/auth-client';
import { CoalescingLogWriter } from './clients/coalescing-log-writer';
import { LoggerHttpClient } from './clients/logger-http-client';
import { MailClient } from './clients/mail-client';
import type { Config } from './config';
import { Broker } from './domain/broker';
import { GrpcLogsClient } from './grpc/logs-client';
import { TokenVerifier } from './auth/token-verifier';
import { brokerRoutes } from './http/routes';
import { JsonRpcPool } from './rpc/json-rpc-pool';
import { LoggerRpcClient } from './rpc/logger-rpc-client';

export interface StartDeps {
  logger: Logger;
  /** Aborted at shutdown: stops the RabbitMQ connect loop. */
  signal?: AbortSignal;
}

export interface RunningBroker {
  port: number;
  server: Server;
  broker: Broker;
  publisher: AmqpEventPublisher;
  rpcPool: JsonRpcPool;
  /** Resolves once RabbitMQ is connected (the HTTP server does not wait for it). */
  amqpConnected: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Creates every long-lived client once (a keep-alive HTTP pool per service, one
 * gRPC client, one JSON-RPC connection pool, one RabbitMQ connection with a confirm
 * channel), then serves HTTP. RabbitMQ connects in the background: until it is up,
 * publishes answer 503 and /readyz says so, while auth, mail and the other log
 * transports already work.
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
  const publisher = new AmqpEventPublisher({
    url: config.AMQP_URL,
    logger,
    exchange: config.LOGS_EXCHANGE,
    publishTimeoutMs: config.PUBLISH_TIMEOUT_MS,
    maxInFlight: config.PUBLISH_MAX_IN_FLIGHT,
  });

  const broker = new Broker({
    auth,
    mail,
    logWriters: {
      rabbitmq: {
        write: async (entry) => {
          await publisher.publish(entry);
          return 'logged via RabbitMQ';
        },
      },
      // Concurrent writes leave as one batch call (a lone write as the plain single call).
      http: new CoalescingLogWriter(loggerHttp, {
        target: 'logger service',
        timeoutMs: config.HTTP_CLIENT_TIMEOUT_MS,
        logger,
      }),
      rpc: new LoggerRpcClient(
        rpcPool,
        config.RPC_TIMEOUT_MS,
        config.LOGGER_RPC_PROTOCOL === 'gob' ? 'RPCServer.LogInfo' : 'LogInfo',
      ),
      grpc: new CoalescingLogWriter(grpcClient, {
        target: 'logger service',
        timeoutMs: config.RPC_TIMEOUT_MS,
        logger,
      }),
    },
    logReader: loggerHttp,
    events: publisher,
    logger,
  });

  const amqpConnected = publisher.start(deps.signal);
  amqpConnected.catch((err: unknown) => {
    logger.info({ err: errorSummary(err) }, 'RabbitMQ connect loop stopped');
  });
  void rpcPool.warmUp(config.RPC_TIMEOUT_MS);

  const readiness = new Readiness(logger).add('rabbitmq', () => {
    if (!publisher.isReady) throw new Error('not connected');
  });
  const app = createHttpApp({
    service: 'broker-service',
    logger,
    corsOrigins: config.CORS_ORIGINS,
    readiness,
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
  const server = await listen(app, config.PORT);
  logger.info({ port: portOf(server) }, 'broker-service listening');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await closeHttpServer(server);
      await broker.drain();
      await publisher.close();
      rpcPool.close();
      grpcClient.close();
      await Promise.all([auth.close(), mail.close(), loggerHttp.close()]);
    })());

  return { port: portOf(server), server, broker, publisher, rpcPool, amqpConnected, stop };
}

function splitHostPort(address: string): [string, string] {
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon), address.slice(colon + 1)];
}
