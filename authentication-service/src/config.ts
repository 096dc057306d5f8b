import { availableParallelism } from 'node:os';
import { commonConfigShape, envVar, z } from '@ms/service-kit';

/**
 * bcrypt cost 10 (OWASP's minimum, Go's bcrypt.DefaultCost): bcryptjs is pure JavaScript
 * and runs on the event loop, so every login, failed ones included, costs CPU time here.
 */
export const DEFAULT_BCRYPT_COST = 10;

export const configSchema = z.object({
  ...commonConfigShape,
  PORT: envVar.port(8081),
  POSTGRES_URL: envVar.url('postgres://postgres@127.0.0.1:5432/users'),
  POSTGRES_POOL_MAX: envVar.positiveInt(10),
  POSTGRES_CONNECT_TIMEOUT_MS: envVar.milliseconds(5_000),
  POSTGRES_QUERY_TIMEOUT_MS: envVar.milliseconds(5_000),
  LOGGER_SERVICE_URL: envVar.url('http://127.0.0.1:8082'),
  LOGGER_TIMEOUT_MS: envVar.milliseconds(1_000),
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(DEFAULT_BCRYPT_COST),
  BCRYPT_THREADS: envVar.positiveInt(availableParallelism()),
  BCRYPT_MAX_QUEUE: z.coerce.number().int().min(0).default(64),
  BCRYPT_TIMEOUT_MS: envVar.milliseconds(3_000),
  LOGIN_MAX_FAILURES: envVar.positiveInt(10),
  LOGIN_FAILURE_WINDOW_MS: envVar.milliseconds(15 * 60_000),
  /** Express "trust proxy" list (addresses, CIDRs, loopback); empty trusts no proxy. */
  TRUST_PROXY: envVar.list(''),
});

export type Config = z.infer<typeof configSchema>;
