import {
  JsonHttpClient,
  type JsonHttpClientOptions,
  type LogBatchResponse,
  type LogBatchResult,
  type LogEntry,
  type StoredLogEntry,
  UpstreamError,
  isLogBatchResultList,
} from '@ms/service-kit';
import type { LogQuery, LogReader, LogSearchPage, LogSearchQuery } from '../domain/ports';
import type { BatchCapableLogWriter } from './coalescing-log-writer';

/**
 * The logger over HTTP: POST /log (the `via: "http"` transport), POST /logs/batch (many
 * concurrent writes in one call, see CoalescingLogWriter) and GET /logs.
 */
export class LoggerHttpClient implements BatchCapableLogWriter, LogReader {
  private readonly http: JsonHttpClient;

  constructor(options: Omit<JsonHttpClientOptions, 'serviceName'>) {
    this.http = new JsonHttpClient({ ...options, serviceName: 'logger service' });
  }

  async write(entry: LogEntry): Promise<string> {
    await this.http.post('/log', entry);
    return 'logged';
  }

  async writeMany(entries: LogEntry[]): Promise<LogBatchResult[]> {
    const answer = await this.http.post<LogBatchResponse>('/logs/batch', { entries });
    const results = answer.data?.results;
    if (!isLogBatchResultList(results, entries.length)) {
      throw new UpstreamError('logger service sent an invalid response');
    }
    return results;
  }

  async list(query: LogQuery): Promise<StoredLogEntry[]> {
    const params = new URLSearchParams();
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.name !== undefined) params.set('name', query.name);
    const search = params.size > 0 ? `?${params.toString()}` : '';
    const answer = await this.http.get<StoredLogEntry[]>(`/logs${search}`);
    return answer.data ?? [];
  }

  async search(query: LogSearchQuery): Promise<LogSearchPage> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) params.set(key, String(value));
    }
    const answer = await this.http.get<LogSearchPage>(`/logs/search?${params.toString()}`);
    const page = answer.data;
    if (!page || !Array.isArray(page.entries)) {
      throw new UpstreamError('logger service sent an invalid response');
    }
    return page;
  }

  async get(id: string): Promise<StoredLogEntry> {
    const answer = await this.http.get<StoredLogEntry>(`/logs/${encodeURIComponent(id)}`);
    if (!answer.data) throw new UpstreamError('logger service sent an invalid response');
    return answer.data;
  }

  async delete(id: string): Promise<void> {
    await this.http.delete(`/logs/${encodeURIComponent(id)}`);
  }

  async deleteAll(): Promise<void> {
    await this.http.delete('/logs');
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
