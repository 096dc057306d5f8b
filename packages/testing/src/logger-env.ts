import { infra } from './infra';
import { freePort } from './wait';

export interface LoggerPorts {
  /** HTTP. */
  port: number;
  rpcPort: number;
  grpcPort: number;
}

/**
 * The environment of a logger-service process on three free ports (HTTP, RPC over TCP,
 * gRPC) that stores into `database` on the shared MongoDB, with those ports for the
 * test's clients.
 */
export async function loggerEnv(
  database: string,
): Promise<{ env: Record<string, string>; ports: LoggerPorts }> {
  const ports = { port: await freePort(), rpcPort: await freePort(), grpcPort: await freePort() };
  return {
    env: {
      PORT: String(ports.port),
      RPC_PORT: String(ports.rpcPort),
      GRPC_PORT: String(ports.grpcPort),
      MONGO_URL: infra().mongoUrl,
      MONGO_DB: database,
    },
    ports,
  };
}
