import * as grpc from '@grpc/grpc-js';
import {
  type LogEntry,
  type LogResponse__Output,
  type LogServiceClient,
  REQUEST_ID_HEADER,
  TimeoutError,
  UnavailableError,
  UpstreamError,
  ValidationError,
  currentRequestId,
  loadLogsPackage,
} from '@ms/service-kit';
import type { LogWriter } from '../domain/ports';

export interface GrpcLogsClientOptions {
  /** host:port of the logger's gRPC server. */
  address: string;
  timeoutMs: number;
}

/**
 * ONE gRPC client for the process: grpc-js keeps its HTTP/2 connection open and
 * reconnects by itself. Every call has a deadline and carries the request id as metadata;
 * calls fail fast (no waitForReady) while the logger is down.
 */
export class GrpcLogsClient implements LogWriter {
  private readonly client: LogServiceClient;

  constructor(private readonly options: GrpcLogsClientOptions) {
    const logs = loadLogsPackage();
    this.client = new logs.LogService(options.address, grpc.credentials.createInsecure(), {
      // Reconnect attempts are cheap and a restarted logger should be found quickly.
      'grpc.max_reconnect_backoff_ms': 2_000,
    });
  }

  async write(entry: LogEntry): Promise<string> {
    await this.writeLog(entry);
    return 'logged';
  }

  /** Resolves with the logger's result string. */
  writeLog(entry: LogEntry): Promise<string> {
    const metadata = new grpc.Metadata();
    const requestId = currentRequestId();
    if (requestId) metadata.set(REQUEST_ID_HEADER, requestId);
    const deadline = Date.now() + this.options.timeoutMs;
    return new Promise((resolve, reject) => {
      this.client.WriteLog(
        { logEntry: { name: entry.name, data: entry.data } },
        metadata,
        { deadline },
        (err: grpc.ServiceError | null, response?: LogResponse__Output) => {
          if (err) reject(mapGrpcError(err));
          else resolve(response?.result ?? '');
        },
      );
    });
  }

  close(): void {
    this.client.close();
  }
}

export function mapGrpcError(err: grpc.ServiceError): Error {
  switch (err.code) {
    case grpc.status.UNAVAILABLE:
      return new UnavailableError('logger service unavailable', { cause: err });
    case grpc.status.DEADLINE_EXCEEDED:
      return new TimeoutError('logger service timed out', { cause: err });
    case grpc.status.INVALID_ARGUMENT:
      return new ValidationError(err.details || 'invalid log entry', { cause: err });
    default:
      return new UpstreamError('logger service answered with an error', { cause: err });
  }
}
