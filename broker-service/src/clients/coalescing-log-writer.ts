import { randomUUID } from 'node:crypto';
import {
  type Logger,
  ValidationError,
  WriteCoalescer,
  activeContext,
  batchSpanOptions,
  currentRequestId,
  runInContext,
  runWithRequestId,
  withSpan,
} from '@ms/service-kit';
import { type LogBatchResult, type LogEntry } from '@ms/service-kit/contracts';
import type { LogWriter } from '../domain/ports';

/** A transport to the logger that can write one entry or many in one call. */
export interface BatchCapableLogWriter extends LogWriter {
  /** One result per entry, in order (the logger's `POST /logs/batch` / `WriteLogs`). */
  writeMany(entries: LogEntry[]): Promise<LogBatchResult[]>;
}

export interface CoalescingLogWriterOptions {
  /** e.g. "logger service": client-facing errors say "logger service busy". */
  target: string;
  timeoutMs: number;
  logger: Logger;
  /** Entries in one batch call: 100 x 64 KiB stays under the logger's 8 MiB batch limit. */
  maxBatchSize?: number;
  maxQueued?: number;
}

interface QueuedWrite {
  entry: LogEntry;
  requestId: string | undefined;
  /** The writer's trace context: its call to the logger continues that trace. */
  trace: ReturnType<typeof activeContext>;
}

type Answer = { message: string } | { error: Error };

/**
 * Concurrent log writes through the broker become one batch call to the logger (group
 * commit, the kit's WriteCoalescer): a write alone goes at once as the plain single call,
 * so at low load the logger sees exactly what one client would send; writes that arrive
 * while a call is in flight leave together in the next one, as `writeMany`. Each caller
 * still gets its own answer: `logged`, or the logger's reason for refusing its entry.
 */
export class CoalescingLogWriter implements LogWriter {
  private readonly coalescer: WriteCoalescer<QueuedWrite, Answer>;

  constructor(
    private readonly transport: BatchCapableLogWriter,
    private readonly options: CoalescingLogWriterOptions,
  ) {
    this.coalescer = new WriteCoalescer((writes) => this.flush(writes), {
      target: options.target,
      timeoutMs: options.timeoutMs,
      maxBatchSize: options.maxBatchSize ?? 100,
      maxQueued: options.maxQueued ?? 2000,
      maxConcurrentFlushes: 2,
    });
  }

  async write(entry: LogEntry): Promise<string> {
    const answer = await this.coalescer.submit({
      entry,
      requestId: currentRequestId(),
      trace: activeContext(),
    });
    if ('error' in answer) throw answer.error;
    return answer.message;
  }

  private async flush(writes: QueuedWrite[]): Promise<Answer[]> {
    const [only] = writes;
    if (only && writes.length === 1) {
      // A lone write carries its own request id and trace and gets the single call's answer.
      return runInContext(only.trace, () =>
        runWithRequestId(only.requestId ?? randomUUID(), async () => [
          { message: await this.transport.write(only.entry) },
        ]),
      );
    }
    // A batch call has an id of its own (its log line's requestId too); the line ties it
    // to the request ids of the writes in it.
    // Traced as a span of its own, child of the first write's trace and linked to each
    // write's span (as the listener's batches are).
    const batchRequestId = `batch-${randomUUID()}`;
    const span = batchSpanOptions(
      writes.map((write) => write.trace),
      { 'log.batch.size': writes.length },
    );
    const send = () =>
      runWithRequestId(batchRequestId, () => {
        this.options.logger.info(
          {
            batchRequestId,
            size: writes.length,
            requestIds: writes.map((write) => write.requestId),
          },
          'log batch sent to the logger',
        );
        return this.transport.writeMany(writes.map((write) => write.entry));
      });
    const results = await withSpan('log batch', span, send);
    return results.map((result) =>
      result.status === 'rejected'
        ? { error: new ValidationError(result.error ?? 'invalid log entry') }
        : { message: 'logged' },
    );
  }
}
