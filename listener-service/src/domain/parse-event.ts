import { ValidationError, errorSummary, parseInput } from '@ms/service-kit';
import { type LogWrite, logWriteSchema } from '@ms/service-kit/contracts';
import type { DeadOutcome } from './outcome';

/** One delivery of an event as the transport hands it over. */
export interface IncomingEvent {
  content: Buffer;
  messageId?: string;
  /** Deliveries of this event that failed before this one. */
  failedAttempts: number;
}

export type ParsedEvent = { kind: 'entry'; entry: LogWrite } | DeadOutcome;

/**
 * Turns a delivery into the entry to store, or into a dead letter when it can never be
 * stored (not JSON, wrong shape): such a message never joins a batch. Never throws.
 */
export function parseEvent(event: IncomingEvent): ParsedEvent {
  let body: unknown;
  try {
    body = JSON.parse(event.content.toString('utf8'));
  } catch (err) {
    return { kind: 'dead', reason: 'invalid_json', error: errorSummary(err) };
  }
  try {
    return { kind: 'entry', entry: parseEntry(body, event.messageId) };
  } catch (err) {
    return { kind: 'dead', reason: 'invalid_shape', error: errorSummary(err) };
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
