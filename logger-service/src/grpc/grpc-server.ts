import * as grpc from '@grpc/grpc-js';
import { type LogServiceHandlers, loadLogsPackage } from '@ms/service-kit';
import { HealthImplementation } from 'grpc-health-check';

export const LOG_SERVICE_NAME = 'logs.LogService';

/** Large enough for any valid entry (64 KiB of data) with room to spare; far below the 4 MiB default. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

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
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
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
