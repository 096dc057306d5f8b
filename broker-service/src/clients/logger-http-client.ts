import {
  JsonHttpClient,
  type JsonHttpClientOptions,
  type LogEntry,
  type StoredLogEntry,
} from '@ms/service-kit';
import type { LogQuery, LogReader, LogWriter } from '../domain/ports';

/** The logger over HTTP: POST /log (the `via: "http"` transport) and GET /logs. */
export class LoggerHttpClient implements LogWriter, LogReader {
  private readonly http: JsonHttpClient;

  constructor(options: Omit<JsonHttpClientOptions, 'serviceName'>) {
    this.http = new JsonHttpClient({ ...options, serviceName: 'logger service' });
  }

  async write(entry: LogEntry): Promise<string> {
    await this.http.post('/log', entry);
    return 'logged';
  }

  async list(query: LogQuery): Promise<StoredLogEntry[]> {
    const params = new URLSearchParams();
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.name !== undefined) params.set('name', query.name);
    const search = params.size > 0 ? `?${params.toString()}` : '';
    const answer = await this.http.get<StoredLogEntry[]>(`/logs${search}`);
    return answer.data ?? [];
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
