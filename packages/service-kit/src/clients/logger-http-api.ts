import { UpstreamError } from '../errors';
import { JsonHttpClient } from '../http-client';
import {
  type LogBatchResponse,
  type LogBatchResult,
  type LogWrite,
  type StoredLogEntry,
  isLogBatchResultList,
} from '../contracts/log-entry';

export interface LoggerHttpApiOptions {
  /** e.g. http://logger-service */
  baseUrl: string;
  timeoutMs: number;
  /** Keep-alive connections at most (the JsonHttpClient default when unset). */
  connections?: number;
}

export interface LogListQuery {
  limit?: number;
  name?: string;
}

/**
 * The logger service's HTTP API, typed: POST /log, POST /logs/batch, GET /logs, and the log
 * console's GET /logs/search, GET /logs/:id, DELETE /logs/:id and DELETE /logs. The one
 * client of it that the authentication service, the broker and the listener use; failures
 * are the kit's AppErrors (503 unreachable, 504 timed out, 502 a broken or failed answer,
 * 4xx passed through).
 */
export class LoggerHttpApi {
  private readonly http: JsonHttpClient;

  constructor(options: LoggerHttpApiOptions) {
    this.http = new JsonHttpClient({ ...options, serviceName: 'logger service' });
  }

  async write(entry: LogWrite): Promise<void> {
    await this.http.post('/log', entry);
  }

  /** One result per entry, in order; anything else is a 502, so no entry counts as stored. */
  async writeBatch(entries: LogWrite[]): Promise<LogBatchResult[]> {
    const answer = await this.http.post<LogBatchResponse>('/logs/batch', { entries });
    const results = answer.data?.results;
    if (!isLogBatchResultList(results, entries.length)) {
      throw new UpstreamError('logger service sent an invalid response');
    }
    return results;
  }

  /** Newest first. */
  async list(query: LogListQuery = {}): Promise<StoredLogEntry[]> {
    const params = new URLSearchParams();
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.name !== undefined) params.set('name', query.name);
    const search = params.size > 0 ? `?${params.toString()}` : '';
    const answer = await this.http.get<StoredLogEntry[]>(`/logs${search}`);
    if (!Array.isArray(answer.data)) {
      throw new UpstreamError('logger service sent an invalid response');
    }
    return answer.data;
  }

  /** One page of a console search; the logger's answer must carry an `entries` list. */
  async search<Page extends { entries: StoredLogEntry[] }>(
    query: Record<string, string | number | undefined>,
  ): Promise<Page> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) params.set(key, String(value));
    }
    const answer = await this.http.get<Page>(`/logs/search?${params.toString()}`);
    if (!answer.data || !Array.isArray(answer.data.entries)) {
      throw new UpstreamError('logger service sent an invalid response');
    }
    return answer.data;
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

  /** Closes the connections once the calls in flight have their answers. */
  close(): Promise<void> {
    return this.http.close();
  }
}
