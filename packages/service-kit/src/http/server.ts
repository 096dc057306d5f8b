import { type RequestListener, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Starts an HTTP server and resolves once it listens. Port 0 picks a free port (tests).
 * Keep-alive outlives typical proxy/agent idle timeouts so pooled clients do not race a close.
 */
export function listen(handler: RequestListener, port: number, host = '0.0.0.0'): Promise<Server> {
  const server = createServer(handler);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export function portOf(server: Pick<Server, 'address'>): number {
  return (server.address() as AddressInfo).port;
}
