import type { LogBatchResult, LogWrite } from '@ms/service-kit/contracts';

/**
 * Where events end up: the logger service (a port: clients/logger-client.ts is its HTTP client). storeBatch() stores many entries in one call
 * and resolves with one result per entry, in order (a duplicate event_id counts as
 * stored). It rejects when nothing certain is known about the batch (unreachable, timed
 * out, 5xx): then some, all or none of the entries may be stored.
 */
export interface LoggerService {
  storeBatch(entries: LogWrite[]): Promise<LogBatchResult[]>;
}

/**
 * The store refused the request as a whole (HTTP 400/413/415): sending the same entries
 * again can never succeed, but a smaller batch may.
 */
export class RefusedBatchError extends Error {
  override name = 'RefusedBatchError';
}
