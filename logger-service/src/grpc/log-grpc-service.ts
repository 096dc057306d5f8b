import * as grpc from '@grpc/grpc-js';
import {
  type LogServiceHandlers,
  type Logger,
  REQUEST_ID_HEADER,
  TimeoutError,
  UnavailableError,
  ValidationError,
  acceptRequestId,
  errorSummary,
  runWithRequestId,
} from '@ms/service-kit';
import type { LogEntries } from '../domain/log-entries';

/** What WriteLog answers, as in the Go original. */
export const WRITE_LOG_RESULT = 'logged!';

/** gRPC adapter for logs.LogService: the request's logEntry goes to the domain unchanged. */
export function logServiceHandlers(entries: LogEntries, logger: Logger): LogServiceHandlers {
  return {
    WriteLog: (call, callback) => {
      const requestId = acceptRequestId(call.metadata.get(REQUEST_ID_HEADER)[0]?.toString());
      void runWithRequestId(requestId, async () => {
        const started = process.hrtime.bigint();
        const finished = (fields: object) =>
          logger.info(
            {
              transport: 'grpc',
              method: 'logs.LogService/WriteLog',
              durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
              ...fields,
            },
            'grpc call',
          );
        try {
          if (!call.request.logEntry) throw new ValidationError('logEntry: is required');
          await entries.write(call.request.logEntry);
          finished({ outcome: 'ok' });
          callback(null, { result: WRITE_LOG_RESULT });
        } catch (err) {
          const status = toGrpcStatus(err);
          finished({ outcome: 'error', code: grpc.status[status.code], err: errorSummary(err) });
          if (status.code === grpc.status.INTERNAL) logger.error({ err }, 'grpc call failed');
          callback(status);
        }
      });
    },
  };
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
