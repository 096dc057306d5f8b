import { Writable } from 'node:stream';
import { type Logger, createLogger, parseConfig } from '@ms/service-kit';
import type { StoredLogEntry } from '@ms/service-kit/contracts';
import { infra, requireMongo, uniqueName } from '@ms/testing';
import { type Db, MongoClient } from 'mongodb';
import request from 'supertest';
import { type Config, configSchema } from '../../src/config';
import { LOGS_COLLECTION } from '../../src/data/mongo-log-store';
import { type RunningLogger, start } from '../../src/service';

/** Log lines the service wrote, parsed, so tests can look for request ids. */
export class CapturedLogs {
  readonly lines: Record<string, unknown>[] = [];
  readonly logger: Logger;

  constructor() {
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          this.lines.push(JSON.parse(line) as Record<string, unknown>);
        }
        done();
      },
    });
    this.logger = createLogger('logger-service', { level: 'info', destination: sink });
  }

  withRequestId(requestId: string): Record<string, unknown>[] {
    return this.lines.filter((line) => line.requestId === requestId);
  }
}

/** The test file's own configuration: its own database, every server on port 0. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return parseConfig(configSchema, {
    MONGO_URL: infra().mongoUrl,
    MONGO_DB: uniqueName('logs_test'),
    PORT: '0',
    RPC_PORT: '0',
    GRPC_PORT: '0',
    ...overrides,
  });
}

export interface LoggerUnderTest extends RunningLogger {
  config: Config;
  logs: CapturedLogs;
  baseUrl: string;
}

/** `logs` may be passed in to read the lines written while start() is still waiting. */
export async function startLogger(
  config: Config = testConfig(),
  signal?: AbortSignal,
  logs = new CapturedLogs(),
): Promise<LoggerUnderTest> {
  const running = await start(config, { logger: logs.logger, signal });
  return { ...running, config, logs, baseUrl: `http://127.0.0.1:${running.httpPort}` };
}

/** Direct access to the test database, to count what was really stored and to drop it. */
export class TestDatabase {
  private constructor(
    private readonly client: MongoClient,
    readonly db: Db,
  ) {}

  static async open(config: Config): Promise<TestDatabase> {
    const client = new MongoClient(config.MONGO_URL, { serverSelectionTimeoutMS: 5000 });
    await client.connect();
    return new TestDatabase(client, client.db(config.MONGO_DB));
  }

  count(filter: Record<string, unknown> = {}): Promise<number> {
    return this.db.collection(LOGS_COLLECTION).countDocuments(filter);
  }

  async drop(): Promise<void> {
    await this.db.dropDatabase();
    await this.client.close();
  }
}

/**
 * A logger with a database of its own for one test file: started before the file's tests,
 * stopped and its database dropped after them. Read `system.logger` and `system.database`
 * inside tests and hooks, not at the top level (they exist once beforeAll has run).
 */
export function useLoggerWithDatabase(
  overrides: Record<string, string> = {},
  { timeoutMs }: { timeoutMs?: number } = {},
): {
  readonly logger: LoggerUnderTest;
  readonly database: TestDatabase;
  /** supertest on the logger's HTTP port. */
  readonly http: ReturnType<typeof request>;
} {
  let logger: LoggerUnderTest | undefined;
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    await requireMongo();
    const config = testConfig(overrides);
    logger = await startLogger(config);
    database = await TestDatabase.open(config);
  }, timeoutMs);
  afterAll(async () => {
    await logger?.stop();
    await database?.drop();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the test ${what} is not there (beforeAll failed?)`);
    return value;
  };
  return {
    get logger() {
      return started(logger, 'logger');
    },
    get database() {
      return started(database, 'database');
    },
    get http() {
      return request(started(logger, 'logger').baseUrl);
    },
  };
}

/** The entries named `name`, newest first, as GET /logs lists them. */
export async function listByName(
  baseUrl: string,
  name: string,
  limit = 500,
): Promise<StoredLogEntry[]> {
  const res = await request(baseUrl).get('/logs').query({ name, limit }).expect(200);
  return (res.body as { data: StoredLogEntry[] }).data;
}
