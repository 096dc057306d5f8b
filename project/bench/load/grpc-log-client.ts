import * as grpc from '@grpc/grpc-js';
import { type LogServiceClient, loadLogsPackage } from '@ms/service-kit';

/** One client of logs.LogService (one HTTP/2 connection, as the broker keeps one). */
export class GrpcLogClient {
  private readonly client: LogServiceClient;

  constructor(address: string) {
    this.client = new (loadLogsPackage().LogService)(address, grpc.credentials.createInsecure());
  }

  /** logs.LogService/WriteLog; resolves with the result string. */
  writeLog(entry: { name: string; data: string }, timeoutMs = 10_000): Promise<string> {
    return new Promise((resolve, reject) => {
      this.client.WriteLog(
        { logEntry: entry },
        { deadline: Date.now() + timeoutMs },
        (err: grpc.ServiceError | null, response?: { result: string }) => {
          if (err) reject(new Error(`gRPC ${grpc.status[err.code] ?? err.code}`));
          else resolve(response?.result ?? '');
        },
      );
    });
  }

  close(): void {
    this.client.close();
  }
}
