import { AppError, JsonHttpClient, type LogWrite } from '@ms/service-kit';
import { type LogStore, RejectedEntryError } from '../domain/log-store';

/** Statuses that mean the logger refused the entry itself, so a retry cannot help. */
const REFUSED = new Set([400, 413, 415]);

/**
 * Stores events through the logger's HTTP `POST /log` (keep-alive, with a timeout).
 * The event id makes a redelivered event a no-op on the logger's side.
 */
export class LoggerClient implements LogStore {
  private readonly http: JsonHttpClient;

  constructor(options: { baseUrl: string; timeoutMs: number }) {
    this.http = new JsonHttpClient({ ...options, serviceName: 'logger service' });
  }

  close(): Promise<void> {
    return this.http.close();
  }

  async store(entry: LogWrite): Promise<void> {
    try {
      await this.http.post('/log', entry);
    } catch (err) {
      if (err instanceof AppError && REFUSED.has(err.status)) {
        throw new RejectedEntryError(`logger refused the entry: ${err.message}`, { cause: err });
      }
      throw err;
    }
  }
}
