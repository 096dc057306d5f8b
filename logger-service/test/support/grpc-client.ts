import * as grpc from '@grpc/grpc-js';
import {
  type LogRequest,
  type LogResponse__Output,
  type LogServiceClient,
  loadLogsPackage,
} from '@ms/service-kit/grpc';

type WriteLogsCall = LogServiceClient['WriteLogs'];
export type LogBatchRequest = Parameters<WriteLogsCall>[0];
export type LogBatchResponse__Output = NonNullable<
  Parameters<Extract<Parameters<WriteLogsCall>[1], (...args: never[]) => unknown>>[1]
>;

export interface GrpcTestClient {
  writeLog(request: LogRequest, metadata?: Record<string, string>): Promise<LogResponse__Output>;
  writeLogs(request: LogBatchRequest): Promise<LogBatchResponse__Output>;
  raw: LogServiceClient;
  close(): void;
}

/** One client (one HTTP/2 connection) for a whole test file, as the broker keeps one. */
export function grpcTestClient(port: number): GrpcTestClient {
  const LogService = loadLogsPackage().LogService;
  const raw = new LogService(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    raw,
    writeLog: (request, metadata = {}) =>
      new Promise((resolve, reject) => {
        const meta = new grpc.Metadata();
        for (const [key, value] of Object.entries(metadata)) meta.set(key, value);
        raw.WriteLog(request, meta, { deadline: Date.now() + 10_000 }, (err, response) =>
          err ? reject(err) : resolve(response!),
        );
      }),
    writeLogs: (request) =>
      new Promise((resolve, reject) => {
        raw.WriteLogs(request, { deadline: Date.now() + 10_000 }, (err, response) =>
          err ? reject(err) : resolve(response!),
        );
      }),
    close: () => raw.close(),
  };
}

/** The gRPC status a call failed with, or 'OK'. */
export async function grpcOutcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'OK';
  } catch (err) {
    return grpc.status[(err as grpc.ServiceError).code] ?? String(err);
  }
}
