import { type LogBatchResult, type LogEntry, type StoredLogEntry } from '@ms/service-kit/contracts';
import { LoggerHttpApi, type LoggerHttpApiOptions } from '@ms/service-kit/clients';
import type { LogQuery, LogReader } from '../domain/ports';
import type { BatchCapableLogWriter } from './coalescing-log-writer';

/**
 * The logger over HTTP, as the broker's ports see it: the `via: "http"` transport (POST
 * /log), batch writes for the CoalescingLogWriter (POST /logs/batch) and GET /logs.
 */
export class LoggerHttpClient implements BatchCapableLogWriter, LogReader {
  private readonly api: LoggerHttpApi;

  constructor(options: LoggerHttpApiOptions) {
    this.api = new LoggerHttpApi(options);
  }

  async write(entry: LogEntry): Promise<string> {
    await this.api.write(entry);
    return 'logged';
  }

  writeMany(entries: LogEntry[]): Promise<LogBatchResult[]> {
    return this.api.writeBatch(entries);
  }

  list(query: LogQuery): Promise<StoredLogEntry[]> {
    return this.api.list(query);
  }

  close(): Promise<void> {
    return this.api.close();
  }
}
