import {
  AppError,
  JsonHttpClient,
  type LogBatchResponse,
  type LogBatchResult,
  type LogWrite,
  UpstreamError,
  isLogBatchResultList,
} from '@ms/service-kit';
import { type LoggerService, RefusedBatchError } from '../domain/logger-service';

/** Statuses that mean the logger refused the request itself, so sending it again cannot help. */
const REFUSED = new Set([400, 413, 415]);

/**
 * Stores events through the logger's HTTP `POST /logs/batch` (keep-alive, with a timeout):
 * one call per batch, one result per entry. The event ids make a re-sent entry a
 * `duplicate` on the logger's side, never a second copy.
 */
export class LoggerClient implements LoggerService {
  private readonly http: JsonHttpClient;

  constructor(options: { baseUrl: string; timeoutMs: number }) {
    this.http = new JsonHttpClient({ ...options, serviceName: 'logger service' });
  }

  close(): Promise<void> {
    return this.http.close();
  }

  async storeBatch(entries: LogWrite[]): Promise<LogBatchResult[]> {
    let results: unknown;
    try {
      results = (await this.http.post<LogBatchResponse>('/logs/batch', { entries })).data?.results;
    } catch (err) {
      if (err instanceof AppError && REFUSED.has(err.status)) {
        throw new RefusedBatchError(err.message, { cause: err });
      }
      throw err;
    }
    if (!isLogBatchResultList(results, entries.length)) {
      // Nothing certain about the entries: the caller retries them (safe, by event id).
      throw new UpstreamError('logger service sent an invalid response');
    }
    return results;
  }
}
