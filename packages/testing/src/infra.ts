import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the real test dependencies are. Values come from the environment (CI, compose)
 * and fall back to what project/infra/up.sh wrote in project/.state/infra.env.
 */
export interface InfraUrls {
  postgresUrl: string;
  amqpUrl: string;
  mongoUrl: string;
  mailHost: string;
  mailPort: number;
  mailhogApiUrl: string;
  ferretdbBin: string;
  ferretdbPostgresqlUrl: string;
  mailhogBin: string;
}

export const REPO_ROOT = path.resolve(__dirname, '../../..');

function readStateFile(): Record<string, string> {
  const file = path.join(
    process.env.TS_MS_STATE ?? path.join(REPO_ROOT, 'project/.state'),
    'infra.env',
  );
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#') && line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

export function infra(): InfraUrls {
  const state = readStateFile();
  const get = (key: string, fallback: string) => process.env[key] || state[key] || fallback;
  return {
    postgresUrl: get('POSTGRES_URL', 'postgres://postgres@127.0.0.1:5432/postgres'),
    amqpUrl: get('AMQP_URL', 'amqp://guest:guest@127.0.0.1:5672'),
    mongoUrl: get('MONGO_URL', 'mongodb://127.0.0.1:27017'),
    mailHost: get('MAIL_HOST', '127.0.0.1'),
    mailPort: Number(get('MAIL_PORT', '1025')),
    mailhogApiUrl: get('MAILHOG_API_URL', 'http://127.0.0.1:8025'),
    ferretdbBin: get('FERRETDB_BIN', 'ferretdb'),
    ferretdbPostgresqlUrl: get(
      'FERRETDB_POSTGRESQL_URL',
      'postgres://postgres@127.0.0.1:5432/ferretdb',
    ),
    mailhogBin: get('MAILHOG_BIN', 'MailHog'),
  };
}

/**
 * Runs a probe against a dependency and, if it fails, throws an error that says which
 * dependency is missing and how to start it. Tests never skip silently.
 */
export async function requireDependency(
  name: string,
  where: string,
  probe: () => Promise<unknown>,
): Promise<void> {
  try {
    await probe();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `${name} is not reachable at ${where} (${reason}). Start the test infrastructure with \`make infra\` (project/infra/up.sh).`,
      { cause: err },
    );
  }
}
