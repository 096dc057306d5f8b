import {
  type LogWrite,
  ValidationError,
  errorSummary,
  logWriteSchema,
  parseInput,
} from '@ms/service-kit';
import { type LogStore, RejectedEntryError } from './log-store';
import type { RetryPolicy } from './retry-policy';

/** One delivery of an event as the transport hands it over. */
export interface IncomingEvent {
  content: Buffer;
  messageId?: string;
  /** Deliveries of this event that failed before this one. */
  failedAttempts: number;
}

export type DeadLetterReason = 'invalid_json' | 'invalid_shape' | 'rejected' | 'retries_exhausted';

export type Outcome =
  | { kind: 'stored'; entry: LogWrite }
  | { kind: 'retry'; failedAttempts: number; delayMs: number; error: string }
  | { kind: 'dead'; reason: DeadLetterReason; error: string };

export interface ProcessEventDeps {
  store: LogStore;
  retryPolicy: RetryPolicy;
}

/**
 * Decides what happens to one event: stored, tried again later, or dead-lettered. Never
 * throws: whatever is wrong with the message or the store becomes an outcome.
 */
export async function processEvent(event: IncomingEvent, deps: ProcessEventDeps): Promise<Outcome> {
  let body: unknown;
  try {
    body = JSON.parse(event.content.toString('utf8'));
  } catch (err) {
    return { kind: 'dead', reason: 'invalid_json', error: errorSummary(err) };
  }
  let entry: LogWrite;
  try {
    entry = parseEntry(body, event.messageId);
  } catch (err) {
    return { kind: 'dead', reason: 'invalid_shape', error: errorSummary(err) };
  }
  try {
    await deps.store.store(entry);
    return { kind: 'stored', entry };
  } catch (err) {
    if (err instanceof RejectedEntryError) {
      return { kind: 'dead', reason: 'rejected', error: errorSummary(err) };
    }
    const failedAttempts = event.failedAttempts + 1;
    const delayMs = deps.retryPolicy.delayAfter(failedAttempts);
    if (delayMs === undefined) {
      return { kind: 'dead', reason: 'retries_exhausted', error: errorSummary(err) };
    }
    return { kind: 'retry', failedAttempts, delayMs, error: errorSummary(err) };
  }
}

/** The body must be `{"name","data"}`; the AMQP messageId becomes the entry's event_id. */
function parseEntry(body: unknown, messageId: string | undefined): LogWrite {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('body must be a JSON object {"name","data"}');
  }
  const { name, data } = body as Record<string, unknown>;
  const candidate = messageId === undefined ? { name, data } : { name, data, event_id: messageId };
  return parseInput(logWriteSchema, candidate);
}
