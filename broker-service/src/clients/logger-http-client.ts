import { type LogBatchResult, type LogEntry, type StoredLogEntry } from '@ms/service-kit/contracts';
import { LoggerHttpApi, type LoggerHttpApiOptions } from '@ms/service-kit/clients';
import type { LogQuery, LogReader, LogSearchPage, LogSearchQuery } from '../domain/ports';
import type { BatchCapableLogWriter } from './coalescing-log-writer';

/**
 * The logger over HTTP, as the broker's ports see it: the `via: "http"` transport (POST
 * /log), batch writes for the CoalescingLogWriter (POST /logs/batch), GET /logs and the log
 * console's search, read and deletes.
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

  search(query: LogSearchQuery): Promise<LogSearchPage> {
    return this.api.search<LogSearchPage>({ ...query });
  }

  get(id: string): Promise<StoredLogEntry> {
    return this.api.get(id);
  }

  delete(id: string): Promise<void> {
    return this.api.delete(id);
  }

  deleteAll(): Promise<void> {
    return this.api.deleteAll();
  }

  close(): Promise<void> {
    return this.api.close();
  }
}
