import * as grpc from '@grpc/grpc-js';
import {
  type Logger,
  REQUEST_ID_HEADER,
  TimeoutError,
  UnavailableError,
  ValidationError,
  acceptRequestId,
  errorSummary,
  parseInput,
  runWithRequestId,
} from '@ms/service-kit';
import { logBatchRequestSchema } from '@ms/service-kit/contracts';
import { type LogServiceHandlers } from '@ms/service-kit/grpc';
import type { LogEntries } from '../domain/log-entries';

/** What WriteLog answers, as in the Go original. */
export const WRITE_LOG_RESULT = 'logged!';

type BatchEntry = Parameters<LogServiceHandlers['WriteLogs']>[0]['request']['entries'][number];

/** gRPC adapter for logs.LogService: the request's entries go to the domain unchanged. */
export function logServiceHandlers(entries: LogEntries, logger: Logger): LogServiceHandlers {
  /** Runs one unary call with its request id, logs how it ended, maps errors to a status. */
  function unary<Req, Res>(
    method: string,
    call: grpc.ServerUnaryCall<Req, Res>,
    callback: grpc.sendUnaryData<Res>,
    handle: (request: Req) => Promise<{ response: Res; fields?: object }>,
  ): void {
    const requestId = acceptRequestId(call.metadata.get(REQUEST_ID_HEADER)[0]?.toString());
    void runWithRequestId(requestId, async () => {
      const started = process.hrtime.bigint();
      const finished = (fields: object) =>
        logger.info(
          {
            transport: 'grpc',
            method: `logs.LogService/${method}`,
            durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
            ...fields,
          },
          'grpc call',
        );
      try {
        const { response, fields } = await handle(call.request);
        finished({ outcome: 'ok', ...fields });
        callback(null, response);
      } catch (err) {
        const status = toGrpcStatus(err);
        finished({ outcome: 'error', code: grpc.status[status.code], err: errorSummary(err) });
        if (status.code === grpc.status.INTERNAL) logger.error({ err }, 'grpc call failed');
        callback(status);
      }
    });
  }

  return {
    WriteLog: (call, callback) =>
      unary('WriteLog', call, callback, async (request) => {
        if (!request.logEntry) throw new ValidationError('logEntry: is required');
        await entries.write(request.logEntry);
        return { response: { result: WRITE_LOG_RESULT } };
      }),
    WriteLogs: (call, callback) =>
      unary('WriteLogs', call, callback, async (request) => {
        parseInput(logBatchRequestSchema, { entries: request.entries });
        const results = await entries.writeMany(request.entries.map(toLogWriteInput));
        return {
          // proto3 strings: no error is ''.
          response: {
            results: results.map(({ status, error }) => ({ status, error: error ?? '' })),
          },
          fields: { entries: results.length },
        };
      }),
  };
}

/** proto3 has no "absent" string: eventId '' means none (a generated one is used). */
function toLogWriteInput({ logEntry, eventId }: BatchEntry): unknown {
  if (!logEntry) return undefined;
  return eventId === '' ? logEntry : { ...logEntry, event_id: eventId };
}

function toGrpcStatus(err: unknown): { code: grpc.status; details: string } {
  if (err instanceof ValidationError) {
    return { code: grpc.status.INVALID_ARGUMENT, details: err.message };
  }
  if (err instanceof UnavailableError)
    return { code: grpc.status.UNAVAILABLE, details: err.message };
  if (err instanceof TimeoutError) {
    return { code: grpc.status.DEADLINE_EXCEEDED, details: err.message };
  }
  return { code: grpc.status.INTERNAL, details: 'internal error' };
}
