import type { LogWrite } from '@ms/service-kit';

/** Where events end up: the logger service. store() resolves once the entry is stored. */
export interface LogStore {
  store(entry: LogWrite): Promise<void>;
}

/** The store refused the entry itself: trying again can never succeed. */
export class RejectedEntryError extends Error {
  override name = 'RejectedEntryError';
}
