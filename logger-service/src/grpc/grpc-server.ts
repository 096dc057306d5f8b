import * as grpc from '@grpc/grpc-js';
import { LOG_BATCH_MAX_BYTES } from '@ms/service-kit/contracts';
import { type LogServiceHandlers, loadLogsPackage } from '@ms/service-kit/grpc';
import { HealthImplementation } from 'grpc-health-check';

export const LOG_SERVICE_NAME = 'logs.LogService';

/** A WriteLogs batch may be as large as the HTTP batch body (8 MiB); larger is RESOURCE_EXHAUSTED. */
const MAX_RECEIVE_BYTES = LOG_BATCH_MAX_BYTES;
/** Answers are small (a batch answer is one short status per entry). */
const MAX_SEND_BYTES = 1024 * 1024;

export interface RunningGrpcServer {
  port: number;
  close(drainTimeoutMs?: number): Promise<void>;
}

/** logs.LogService from proto/logs.proto, plus the standard grpc.health.v1.Health service. */
export async function startGrpcServer(
  handlers: LogServiceHandlers,
  port: number,
  host = '0.0.0.0',
): Promise<RunningGrpcServer> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_RECEIVE_BYTES,
    'grpc.max_send_message_length': MAX_SEND_BYTES,
  });
  server.addService(loadLogsPackage().LogService.service, handlers);
  const health = new HealthImplementation({ '': 'SERVING', [LOG_SERVICE_NAME]: 'SERVING' });
  health.addToServer(server);

  const boundPort = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    );
  });

  return {
    port: boundPort,
    close: (drainTimeoutMs = 5000) =>
      new Promise<void>((resolve) => {
        health.setStatus('', 'NOT_SERVING');
        health.setStatus(LOG_SERVICE_NAME, 'NOT_SERVING');
        const deadline = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, drainTimeoutMs);
        deadline.unref();
        server.tryShutdown(() => {
          clearTimeout(deadline);
          resolve();
        });
      }),
  };
}
