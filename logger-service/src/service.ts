import {
  type Logger,
  Readiness,
  ServiceResources,
  type StartDeps,
  createHttpApp,
  waitForDependency,
} from '@ms/service-kit';
import { LOG_BATCH_MAX_BYTES } from '@ms/service-kit/contracts';
import type { Db } from 'mongodb';
import type { Config } from './config';
import { createMongoClient } from './data/mongo-client';
import { copyLegacyEntries, setAsideLegacyEntries } from './data/legacy-migration';
import { MongoLogStore } from './data/mongo-log-store';
import { MongoRetentionStore } from './data/mongo-retention-store';
import { LogEntries } from './domain/log-entries';
import { RetentionTask } from './domain/retention';
import { startGrpcServer } from './grpc/grpc-server';
import { logServiceHandlers } from './grpc/log-grpc-service';
import { logRoutes } from './http/log-routes';
import { logRpcHandlers } from './rpc/log-rpc-methods';
import { RpcServer } from './rpc/rpc-server';

export const SERVICE_NAME = 'logger-service';

export interface RunningLogger {
  httpPort: number;
  rpcPort: number;
  grpcPort: number;
  /** Closes the three servers (letting in-flight calls answer), then the database client. */
  stop(): Promise<void>;
}

/** Copies entries of the old layout while the service runs; the closer interrupts it. */
function copyLegacyInBackground(
  db: Db,
  store: MongoLogStore,
  logger: Logger,
): () => Promise<unknown> {
  const interrupt = new AbortController();
  const copying = copyLegacyEntries(db, store, { logger, signal: interrupt.signal }).catch(
    (err: unknown) => logger.error({ err }, 'copy of old entries failed; retried at next start'),
  );
  return () => {
    interrupt.abort();
    return copying;
  };
}

export function start(config: Config, { logger, signal }: StartDeps): Promise<RunningLogger> {
  const client = createMongoClient({
    url: config.MONGO_URL,
    username: config.MONGO_USERNAME,
    password: config.MONGO_PASSWORD,
    timeoutMs: config.MONGO_TIMEOUT_MS,
    socketTimeoutMs: config.MONGO_SOCKET_TIMEOUT_MS,
  });
  const db = client.db(config.MONGO_DB);
  const store = new MongoLogStore(db, { logger, retentionDays: config.LOG_RETENTION_DAYS });

  return ServiceResources.open(async (resources) => {
    resources.onClose('mongodb client', () => client.close());
    let legacyPending = false;
    await waitForDependency(
      'mongodb',
      async () => {
        await client.connect();
        legacyPending = await setAsideLegacyEntries(db, logger);
        await store.ensureIndexes();
      },
      { logger, signal },
    );
    if (legacyPending) resources.onClose('legacy copy', copyLegacyInBackground(db, store, logger));
    const retention = new RetentionTask(new MongoRetentionStore(db, store), {
      policy: { days: config.LOG_RETENTION_DAYS, maxEntries: config.LOG_RETENTION_MAX_ENTRIES },
      intervalMs: config.LOG_RETENTION_INTERVAL_MS,
      logger,
    });
    retention.start();
    resources.onClose('retention task', () => retention.stop());

    const entries = new LogEntries(store, {
      logger,
      writeTimeoutMs: config.LOG_WRITE_TIMEOUT_MS,
      search: {
        deadlineMs: config.LOG_SEARCH_DEADLINE_MS,
        maxWindows: config.LOG_SEARCH_MAX_WINDOWS,
        textRangeHours: config.LOG_SEARCH_TEXT_RANGE_HOURS,
      },
      coalescing: {
        maxBatchSize: config.LOG_COALESCE_MAX_BATCH,
        maxQueued: config.LOG_COALESCE_MAX_QUEUED,
        maxConcurrentFlushes: config.LOG_COALESCE_MAX_FLUSHES,
      },
    });
    const readiness = new Readiness(logger).add('mongodb', () => store.ping());

    const app = createHttpApp({
      service: SERVICE_NAME,
      logger,
      corsOrigins: config.CORS_ORIGINS,
      readiness,
      bodyLimitByPath: { '/logs/batch': LOG_BATCH_MAX_BYTES },
      routes: logRoutes(entries),
    });
    const http = await resources.serveHttp(app, config.PORT);

    const rpcHandlers = logRpcHandlers(entries, logger);
    const rpcServer = new RpcServer({
      handler: rpcHandlers.json,
      gobHandler: rpcHandlers.gob,
      logger,
    });
    const rpcPort = await rpcServer.listen(config.RPC_PORT);
    resources.onClose('rpc server', () => rpcServer.close());

    const grpcServer = await startGrpcServer(logServiceHandlers(entries, logger), config.GRPC_PORT);
    resources.onClose('grpc server', () => grpcServer.close());

    const ports = { httpPort: http.port, rpcPort, grpcPort: grpcServer.port };
    logger.info(
      ports,
      'logger-service listening (HTTP, RPC over TCP: JSON-RPC and Go net/rpc, gRPC)',
    );
    return { ...ports, stop: () => resources.closeAll() };
  });
}
