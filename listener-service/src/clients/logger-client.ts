import { AppError } from '@ms/service-kit';
import { type LogBatchResult, type LogWrite } from '@ms/service-kit/contracts';
import { LoggerHttpApi } from '@ms/service-kit/clients';
import { type LoggerService, RefusedBatchError } from '../domain/logger-service';

/** Statuses that mean the logger refused the request itself, so sending it again cannot help. */
const REFUSED = new Set([400, 413, 415]);

/**
 * Stores events through the logger's HTTP `POST /logs/batch` (keep-alive, with a timeout):
 * one call per batch, one result per entry. The event ids make a re-sent entry a
 * `duplicate` on the logger's side, never a second copy. A broken answer is an
 * UpstreamError: nothing is certain about the entries, so the caller retries them (safe, by
 * event id).
 */
export class LoggerClient implements LoggerService {
  private readonly api: LoggerHttpApi;

  constructor(options: { baseUrl: string; timeoutMs: number }) {
    this.api = new LoggerHttpApi(options);
  }

  close(): Promise<void> {
    return this.api.close();
  }

  async storeBatch(entries: LogWrite[]): Promise<LogBatchResult[]> {
    try {
      return await this.api.writeBatch(entries);
    } catch (err) {
      if (err instanceof AppError && REFUSED.has(err.status)) {
        throw new RefusedBatchError(err.message, { cause: err });
      }
      throw err;
    }
  }
}
