import { readFileSync } from 'node:fs';
import {
  Readiness,
  type RunningService,
  ServiceResources,
  type StartDeps,
  waitForDependency,
} from '@ms/service-kit';
import { LoggerServiceAttemptLog } from './clients/logger-attempt-log';
import type { Config } from './config';
import { migrate } from './data/migrate';
import { PgLoginFailureStore } from './data/login-failure-store';
import { createPool } from './data/pool';
import { statements } from './data/sql';
import { PgUserRepository } from './data/user-repository';
import { Authenticator } from './domain/authenticator';
import { makeDecoyHash } from './domain/passwords';
import { NativeBcryptHasher } from './hashing/native-bcrypt-hasher';
import { createAuthHttpApp } from './http/app';
import { loginRateLimit } from './http/login-rate-limit';
import { loadSigningKeys } from './tokens/signing-keys';
import { TokenIssuer } from './tokens/token-issuer';

export type ServiceConfig = Pick<
  Config,
  | 'PORT'
  | 'CORS_ORIGINS'
  | 'POSTGRES_URL'
  | 'POSTGRES_POOL_MAX'
  | 'POSTGRES_CONNECT_TIMEOUT_MS'
  | 'POSTGRES_QUERY_TIMEOUT_MS'
  | 'LOGGER_SERVICE_URL'
  | 'LOGGER_TIMEOUT_MS'
  | 'BCRYPT_COST'
  | 'BCRYPT_THREADS'
  | 'BCRYPT_MAX_QUEUE'
  | 'BCRYPT_QUEUE_TIMEOUT_MS'
  | 'UV_THREADPOOL_SIZE'
  | 'LOGIN_MAX_FAILURES'
  | 'LOGIN_FAILURE_WINDOW_MS'
  | 'TRUST_PROXY'
  | 'TOKEN_PRIVATE_KEY'
  | 'TOKEN_PRIVATE_KEY_FILE'
  | 'TOKEN_PREVIOUS_PUBLIC_KEYS'
  | 'TOKEN_ISSUER'
  | 'TOKEN_AUDIENCE'
  | 'TOKEN_TTL_MINUTES'
>;

/** Waits for Postgres, prepares the users table, then serves HTTP. */
export function start(
  config: ServiceConfig,
  { logger, signal }: StartDeps,
): Promise<RunningService> {
  statements(); // a missing or broken sql/users.sql fails now, not after Postgres is up
  if (config.BCRYPT_THREADS >= config.UV_THREADPOOL_SIZE) {
    logger.warn(
      { BCRYPT_THREADS: config.BCRYPT_THREADS, UV_THREADPOOL_SIZE: config.UV_THREADPOOL_SIZE },
      'bcrypt may take every libuv threadpool thread: DNS and file work then wait behind logins; raise UV_THREADPOOL_SIZE',
    );
  }
  return ServiceResources.open(async (resources) => {
    const keys = await loadSigningKeys({
      privateKey: config.TOKEN_PRIVATE_KEY_FILE
        ? readFileSync(config.TOKEN_PRIVATE_KEY_FILE, 'utf8')
        : config.TOKEN_PRIVATE_KEY,
      previousPublicKeys: config.TOKEN_PREVIOUS_PUBLIC_KEYS,
    });
    if (keys.ephemeral) {
      logger.warn(
        'TOKEN_PRIVATE_KEY is not set: tokens are signed with a key made for this process only; they stop verifying when it restarts and other replicas do not share it',
      );
    }
    const tokens = new TokenIssuer(keys, {
      issuer: config.TOKEN_ISSUER,
      audience: config.TOKEN_AUDIENCE,
      ttlMinutes: config.TOKEN_TTL_MINUTES,
    });
    const pool = resources.add(
      'postgres pool',
      createPool(
        {
          url: config.POSTGRES_URL,
          max: config.POSTGRES_POOL_MAX,
          connectTimeoutMs: config.POSTGRES_CONNECT_TIMEOUT_MS,
          queryTimeoutMs: config.POSTGRES_QUERY_TIMEOUT_MS,
        },
        logger,
      ),
      (p) => p.end(),
    );
    const passwords = resources.add(
      'bcrypt workers',
      new NativeBcryptHasher({
        cost: config.BCRYPT_COST,
        concurrency: config.BCRYPT_THREADS,
        maxWaiting: config.BCRYPT_MAX_QUEUE,
        maxWaitMs: config.BCRYPT_QUEUE_TIMEOUT_MS,
      }),
      (hasher) => hasher.close(),
    );
    const rateLimit = resources.add(
      'login rate limit',
      loginRateLimit({
        maxFailures: config.LOGIN_MAX_FAILURES,
        windowMs: config.LOGIN_FAILURE_WINDOW_MS,
        store: new PgLoginFailureStore(pool, { logger }),
      }),
      (limit) => limit.close(),
    );
    const attempts = resources.add(
      'logger client',
      new LoggerServiceAttemptLog(
        { loggerServiceUrl: config.LOGGER_SERVICE_URL, timeoutMs: config.LOGGER_TIMEOUT_MS },
        logger,
      ),
      (log) => log.close(),
    );

    await waitForDependency('postgres', () => pool.query('SELECT 1'), { logger, signal });
    await migrate(pool, passwords, logger);
    const authenticator = new Authenticator({
      users: new PgUserRepository(pool),
      passwords,
      attempts,
      decoyHash: await makeDecoyHash(passwords),
    });
    const readiness = new Readiness(logger).add('postgres', () => pool.query('SELECT 1'));
    const app = createAuthHttpApp({
      logger,
      authenticator,
      tokens,
      rateLimit,
      readiness,
      corsOrigins: config.CORS_ORIGINS,
      trustProxy: config.TRUST_PROXY,
    });
    const { port } = await resources.serveHttp(app, config.PORT);
    logger.info({ port }, 'authentication-service listening');
    return { port, stop: () => resources.closeAll() };
  });
}
