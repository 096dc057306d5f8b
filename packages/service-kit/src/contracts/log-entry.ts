import { z } from 'zod';
import { parseInput, typeMessages } from '../validation';

/** Limits shared by every transport that carries a log entry (HTTP, JSON-RPC, gRPC, AMQP). */
export const LOG_NAME_MAX_LENGTH = 256;
export const LOG_DATA_MAX_BYTES = 64 * 1024;
export const EVENT_ID_MAX_LENGTH = 128;

const name = z
  .string(typeMessages('must be a string'))
  .trim()
  .min(1, 'must not be empty')
  .max(LOG_NAME_MAX_LENGTH, `must be at most ${LOG_NAME_MAX_LENGTH} characters`);

const data = z
  .string(typeMessages('must be a string'))
  .refine((value) => Buffer.byteLength(value, 'utf8') <= LOG_DATA_MAX_BYTES, {
    message: `must be at most ${LOG_DATA_MAX_BYTES} bytes`,
  });

/** A log event as published on RabbitMQ and sent by the broker: `{"name","data"}`. */
export const logEntrySchema = z.object({ name, data });
export type LogEntry = z.infer<typeof logEntrySchema>;

/**
 * What the logger's `POST /log` accepts: the entry plus, when it came through RabbitMQ,
 * the event's messageId, so that a redelivered event is stored once.
 */
export const logWriteSchema = logEntrySchema.extend({
  event_id: z
    .string(typeMessages('must be a string'))
    .min(1, 'must not be empty')
    .max(EVENT_ID_MAX_LENGTH, `must be at most ${EVENT_ID_MAX_LENGTH} characters`)
    .optional(),
});
export type LogWrite = z.infer<typeof logWriteSchema>;

export function parseLogEntry(input: unknown, prefix = ''): LogEntry {
  return parseInput(logEntrySchema, input, prefix);
}

/** A stored entry as the logger returns it. */
export interface StoredLogEntry {
  id: string;
  name: string;
  data: string;
  event_id: string;
  created_at: string;
  updated_at: string;
}

/** Most entries in one batch write (HTTP `POST /logs/batch`, gRPC `WriteLogs`). */
export const LOG_BATCH_MAX_ENTRIES = 1000;
/** Body limit of `POST /logs/batch`: room for a full batch of typical entries. */
export const LOG_BATCH_MAX_BYTES = 8 * 1024 * 1024;

/**
 * The envelope of a batch write: `{"entries": [...]}`. Entries are checked one by one
 * with `logWriteSchema` by the logger, so one invalid entry is rejected on its own.
 */
export const logBatchRequestSchema = z.object({
  entries: z
    .array(z.unknown(), typeMessages('must be an array of log entries'))
    .min(1, 'must not be empty')
    .max(LOG_BATCH_MAX_ENTRIES, `must have at most ${LOG_BATCH_MAX_ENTRIES} entries`),
});

/** What happened to one entry of a batch; `duplicate` counts as stored. */
export type LogBatchStatus = 'stored' | 'duplicate' | 'rejected';
export interface LogBatchResult {
  status: LogBatchStatus;
  /** Why the entry was rejected (client-facing, names the field). */
  error?: string;
}
/** `data` of the answer to `POST /logs/batch`: one result per entry, in order. */
export interface LogBatchResponse {
  results: LogBatchResult[];
}

const BATCH_STATUSES = new Set<unknown>(['stored', 'duplicate', 'rejected']);

/** Whether a batch answer's `results` holds one well-formed result per entry sent. */
export function isLogBatchResultList(value: unknown, length: number): value is LogBatchResult[] {
  return (
    Array.isArray(value) &&
    value.length === length &&
    value.every(
      (result: unknown) =>
        typeof result === 'object' &&
        result !== null &&
        BATCH_STATUSES.has((result as LogBatchResult).status),
    )
  );
}
