import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { commonConfigShape, envVar } from '@ms/service-kit';

/**
 * bcrypt cost 10 (OWASP's minimum, Go's bcrypt.DefaultCost): every login, failed ones
 * included, costs one comparison, about 55 ms of one core here (see the README).
 */
export const DEFAULT_BCRYPT_COST = 10;

/**
 * One hashing thread per core, leaving at least one thread of libuv's threadpool (where
 * native bcrypt runs) for file and DNS work: pg and fetch resolve host names there.
 */
export function defaultBcryptThreads(cores: number, threadpoolSize: number): number {
  return Math.max(1, Math.min(cores, threadpoolSize - 1));
}

export const configSchema = z
  .object({
    ...commonConfigShape,
    PORT: envVar.port(8081),
    POSTGRES_URL: envVar.url('postgres://postgres@127.0.0.1:5432/users'),
    POSTGRES_POOL_MAX: envVar.positiveInt(10),
    POSTGRES_CONNECT_TIMEOUT_MS: envVar.milliseconds(5_000),
    POSTGRES_QUERY_TIMEOUT_MS: envVar.milliseconds(5_000),
    LOGGER_SERVICE_URL: envVar.url('http://127.0.0.1:8082'),
    LOGGER_TIMEOUT_MS: envVar.milliseconds(1_000),
    BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(DEFAULT_BCRYPT_COST),
    /** Comparisons (and hashes) running at once, each on a libuv threadpool thread. */
    BCRYPT_THREADS: z.coerce.number().int().min(1).max(1024).optional(),
    /** Logins waiting for a hashing thread; past it, 503 "authentication busy" at once. */
    BCRYPT_MAX_QUEUE: z.coerce.number().int().min(0).max(100_000).default(64),
    /** Longest wait for a hashing thread before 503 "authentication busy". */
    BCRYPT_QUEUE_TIMEOUT_MS: envVar.milliseconds(3_000),
    LOGIN_MAX_FAILURES: envVar.positiveInt(10),
    LOGIN_FAILURE_WINDOW_MS: envVar.milliseconds(15 * 60_000),
    /**
     * Signs access tokens: a PEM (PKCS#8) or a private JWK, Ed25519 (EdDSA) or P-256 (ES256).
     * Unset: a key made at start-up for this process only (tokens die with it; a warning says so).
     */
    TOKEN_PRIVATE_KEY: z.string().optional(),
    /** A file holding TOKEN_PRIVATE_KEY instead (a compose or Kubernetes secret mounted as a file). */
    TOKEN_PRIVATE_KEY_FILE: z.string().optional(),
    /** Public keys of earlier private keys (JWKS JSON, JSON array of JWKs, or PEMs): their tokens stay valid until they expire. */
    TOKEN_PREVIOUS_PUBLIC_KEYS: z.string().default(''),
    TOKEN_ISSUER: envVar.string('authentication-service'),
    TOKEN_AUDIENCE: envVar.string('log-console'),
    /** Lifetime of an access token. */
    TOKEN_TTL_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(15),
    /** Express "trust proxy" list (addresses, CIDRs, loopback); empty trusts no proxy. */
    TRUST_PROXY: envVar.list(''),
    /** Read by libuv itself at its first use; here to size BCRYPT_THREADS' default. */
    UV_THREADPOOL_SIZE: z.coerce.number().int().min(1).max(1024).default(4),
  })
  .transform((config) => ({
    ...config,
    BCRYPT_THREADS:
      config.BCRYPT_THREADS ??
      defaultBcryptThreads(availableParallelism(), config.UV_THREADPOOL_SIZE),
  }));

export type Config = z.infer<typeof configSchema>;
