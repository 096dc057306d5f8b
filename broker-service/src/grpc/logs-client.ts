import * as grpc from '@grpc/grpc-js';
import {
  REQUEST_ID_HEADER,
  TimeoutError,
  UnavailableError,
  UpstreamError,
  ValidationError,
  currentRequestId,
} from '@ms/service-kit';
import { type LogBatchResult, type LogEntry } from '@ms/service-kit/contracts';
import {
  type LogBatchResponse__Output,
  type LogBatchResult__Output,
  type LogResponse__Output,
  type LogServiceClient,
  loadLogsPackage,
} from '@ms/service-kit/grpc';
import type { BatchCapableLogWriter } from '../clients/coalescing-log-writer';

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
export class GrpcLogsClient implements BatchCapableLogWriter {
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
    return new Promise((resolve, reject) => {
      this.client.WriteLog(
        { logEntry: { name: entry.name, data: entry.data } },
        this.metadata(),
        { deadline: Date.now() + this.options.timeoutMs },
        (err: grpc.ServiceError | null, response?: LogResponse__Output) => {
          if (err) reject(mapGrpcError(err));
          else resolve(response?.result ?? '');
        },
      );
    });
  }

  /** Many entries in one WriteLogs call; one result per entry, in order. */
  writeMany(entries: LogEntry[]): Promise<LogBatchResult[]> {
    return new Promise((resolve, reject) => {
      this.client.WriteLogs(
        { entries: entries.map(({ name, data }) => ({ logEntry: { name, data } })) },
        this.metadata(),
        { deadline: Date.now() + this.options.timeoutMs },
        (err: grpc.ServiceError | null, response?: LogBatchResponse__Output) => {
          if (err) return reject(mapGrpcError(err));
          const results = response?.results ?? [];
          if (results.length !== entries.length) {
            return reject(new UpstreamError('logger service sent an invalid response'));
          }
          resolve(results.map(toBatchResult));
        },
      );
    });
  }

  private metadata(): grpc.Metadata {
    const metadata = new grpc.Metadata();
    const requestId = currentRequestId();
    if (requestId) metadata.set(REQUEST_ID_HEADER, requestId);
    return metadata;
  }

  close(): void {
    this.client.close();
  }
}

function toBatchResult({ status, error }: LogBatchResult__Output): LogBatchResult {
  if (status === 'stored' || status === 'duplicate') return { status };
  return { status: 'rejected', error: error || 'invalid log entry' };
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
