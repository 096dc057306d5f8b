import { z } from 'zod';
import { commonConfigShape, envVar } from '@ms/service-kit';
import { logsExchangeVar } from '@ms/service-kit/contracts';

/** host:port of a TCP endpoint, e.g. 127.0.0.1:5001 or logger-service:5001. */
const hostPort = (defaultValue: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'must be host:port')
    .default(defaultValue);

export const configSchema = z
  .object({
    ...commonConfigShape,
    PORT: envVar.port(8080),
    AUTH_SERVICE_URL: envVar.url('http://127.0.0.1:8081'),
    LOGGER_SERVICE_URL: envVar.url('http://127.0.0.1:8082'),
    MAIL_SERVICE_URL: envVar.url('http://127.0.0.1:8083'),
    LOGGER_RPC_ADDR: hostPort('127.0.0.1:5001'),
    /** How `via: "rpc"` talks to LOGGER_RPC_ADDR: JSON-RPC 2.0, or Go net/rpc with gob (a Go logger). */
    LOGGER_RPC_PROTOCOL: z.enum(['jsonrpc', 'gob']).default('jsonrpc'),
    LOGGER_GRPC_ADDR: hostPort('127.0.0.1:50001'),
    AMQP_URL: z
      .string()
      .regex(/^amqps?:\/\//, 'must be an amqp:// URL')
      .default('amqp://guest:guest@127.0.0.1:5672'),
    LOGS_EXCHANGE: logsExchangeVar(),
    /** Deadline of one call to the authentication, mail or logger service over HTTP. */
    HTTP_CLIENT_TIMEOUT_MS: envVar.milliseconds(5000),
    /** Keep-alive connections at most to each of the auth, mail and logger services: enough
     * for the logger to coalesce 50 concurrent writes into one insert (16 measured 0.65x of 64). */
    HTTP_POOL_SIZE: envVar.positiveInt(64),
    /** Deadline of one JSON-RPC or gRPC call to the logger. */
    RPC_TIMEOUT_MS: envVar.milliseconds(3000),
    /** Persistent TCP connections to the logger's JSON-RPC server. */
    RPC_POOL_SIZE: envVar.positiveInt(4),
    /** Failed calls in a row (unreachable, timed out or 5xx; never a 4xx) that open a downstream's circuit breaker. */
    BREAKER_FAILURES: envVar.positiveInt(5),
    /** How long an open breaker answers 503 at once before it lets one trial call through. */
    BREAKER_COOLDOWN_MS: envVar.milliseconds(10_000),
    /** How long a publish may wait for RabbitMQ's confirm. */
    PUBLISH_TIMEOUT_MS: envVar.milliseconds(5000),
    /** Publishes awaiting a confirm at once; more are refused with 503 instead of buffered. */
    PUBLISH_MAX_IN_FLIGHT: envVar.positiveInt(1000),
    /** Where the log console's tokens are checked: default AUTH_SERVICE_URL/.well-known/jwks.json. */
    TOKEN_JWKS_URL: z.string().url().optional(),
    /** Must match the authentication service's TOKEN_ISSUER and TOKEN_AUDIENCE. */
    TOKEN_ISSUER: envVar.string('authentication-service'),
    TOKEN_AUDIENCE: envVar.string('log-console'),
    /** Deadline of one JWKS fetch. */
    JWKS_TIMEOUT_MS: envVar.milliseconds(2000),
    /** Keys are fetched again after this long (a token with an unknown kid fetches at once). */
    JWKS_CACHE_MAX_AGE_MS: envVar.milliseconds(600_000),
    /** Least time between two JWKS fetches. */
    JWKS_COOLDOWN_MS: envVar.milliseconds(30_000),
  })
  .transform((config) => ({
    ...config,
    TOKEN_JWKS_URL:
      config.TOKEN_JWKS_URL ??
      new URL('/.well-known/jwks.json', config.AUTH_SERVICE_URL).toString(),
  }));

export type Config = z.infer<typeof configSchema>;
