import { z } from 'zod';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Helpers for the usual kinds of environment variable; each takes the design's default. */
export const envVar = {
  port: (defaultPort: number) => z.coerce.number().int().min(0).max(65535).default(defaultPort),
  milliseconds: (defaultMs: number) =>
    z.coerce.number().int().min(1).max(3_600_000).default(defaultMs),
  positiveInt: (defaultValue: number) => z.coerce.number().int().min(1).default(defaultValue),
  string: (defaultValue: string) => z.string().min(1).default(defaultValue),
  url: (defaultUrl: string) => z.url().default(defaultUrl),
  /** Comma-separated list, e.g. CORS_ORIGINS=http://localhost:8000,http://127.0.0.1:8000 */
  list: (defaultValue: string) =>
    z
      .string()
      .default(defaultValue)
      .transform((value) =>
        value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      ),
  boolean: (defaultValue: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .default(defaultValue ? 'true' : 'false')
      .transform((value) => ['true', '1', 'yes'].includes(value)),
  logLevel: () =>
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

/** Variables every service reads. */
export const commonConfigShape = {
  LOG_LEVEL: envVar.logLevel(),
  CORS_ORIGINS: envVar.list('http://localhost:8000,http://127.0.0.1:8000'),
  SHUTDOWN_TIMEOUT_MS: envVar.milliseconds(10_000),
};

/**
 * The arguments of a schema's `.refine` for a user name and password read as a pair: both
 * set or neither. A config without one is refused with `message`, named by the password.
 */
export function setTogether<K extends string>(
  user: K,
  password: K,
  message: string,
): [
  check: (config: Partial<Record<K, unknown>>) => boolean,
  params: { message: string; path: K[] },
] {
  const check = (config: Partial<Record<K, unknown>>) =>
    (config[user] === undefined) === (config[password] === undefined);
  return [check, { message, path: [password] }];
}

/**
 * Validates the environment against a schema. Empty strings count as unset, so that
 * `PORT=` in a compose file means "use the default" rather than port 0.
 */
export function parseConfig<S extends z.ZodTypeAny>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const value = cleaned[name];
    if (value === undefined && issue.code === 'invalid_type') return `${name}: is required`;
    const got = typeof value === 'string' ? ` (got ${JSON.stringify(value)})` : '';
    return `${name}: ${issue.message}${got}`;
  });
  throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
}

/**
 * Reads the configuration once at start-up. A missing or malformed variable stops the
 * process with one line naming it and exit code 1: no half-configured service runs.
 */
export function loadConfig<S extends z.ZodTypeAny>(
  service: string,
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  try {
    return parseConfig(schema, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${service}: ${err.message}\n`);
    process.exit(1);
  }
}
