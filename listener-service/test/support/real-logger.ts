import { Writable } from 'node:stream';
import { createLogger, parseConfig } from '@ms/service-kit';
import { type StoredLogEntry } from '@ms/service-kit/contracts';
import { infra, uniqueName, withMongo } from '@ms/testing';
import { configSchema as loggerConfigSchema } from '../../../logger-service/src/config';
import { LOGS_COLLECTION } from '../../../logger-service/src/data/mongo-log-store';
import { type RunningLogger, start as startLogger } from '../../../logger-service/src/service';

/**
 * The real logger service, in-process, on its own database. It can be stopped and started
 * again on the same HTTP port, to play an outage.
 */
export class RealLogger {
  readonly database = uniqueName('listener_test');
  /** The logger's own JSON log lines. */
  readonly lines: Record<string, unknown>[] = [];
  private running: RunningLogger | undefined;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  async start(): Promise<void> {
    const config = parseConfig(loggerConfigSchema, {
      PORT: String(this.port),
      RPC_PORT: '0',
      GRPC_PORT: '0',
      MONGO_URL: infra().mongoUrl,
      MONGO_DB: this.database,
      LOG_LEVEL: 'info',
    });
    const destination = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          this.lines.push(JSON.parse(line));
        }
        done();
      },
    });
    this.running = await startLogger(config, {
      logger: createLogger('logger-service', { destination }),
    });
    this.port = this.running.httpPort;
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    await running?.stop();
  }

  /** Entries stored under a name, newest first, read back through the logger's own listing. */
  async entries(name: string): Promise<StoredLogEntry[]> {
    const response = await fetch(`${this.url}/logs?limit=500&name=${encodeURIComponent(name)}`);
    if (response.status !== 200) throw new Error(`GET /logs answered ${response.status}`);
    const body = (await response.json()) as { data: StoredLogEntry[] };
    return body.data;
  }

  /** The event ids of every entry stored under a name, straight from the database (no limit). */
  async eventIds(name: string): Promise<string[]> {
    const documents = await withMongo((client) =>
      client
        .db(this.database)
        .collection<{ event_id: string }>(LOGS_COLLECTION)
        .find({ name }, { projection: { _id: 0, event_id: 1 } })
        .toArray(),
    );
    return documents.map((document) => document.event_id);
  }

  /** Stops the service and drops its database. */
  async dispose(): Promise<void> {
    await this.stop();
    await withMongo((client) => client.db(this.database).dropDatabase());
  }
}
