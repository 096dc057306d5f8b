import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net';

export interface Backend {
  host: string;
  port: number;
}

/**
 * What a Kubernetes ClusterIP Service does for a test on one machine: each new TCP
 * connection goes to the next backend, round robin; a backend taken out (an endpoint
 * removed before its pod stops) gets no new connections, while the ones it has stay
 * until its server closes them.
 */
export class RoundRobinProxy {
  private server: Server | undefined;
  private readonly live: Backend[];
  private next = 0;
  private readonly sockets = new Set<Socket>();
  /** Connections handed to each backend, by "host:port". */
  readonly connections = new Map<string, number>();

  constructor(backends: Backend[]) {
    this.live = [...backends];
  }

  get port(): number {
    return (this.server?.address() as AddressInfo).port;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async open(): Promise<this> {
    const server = createServer((client) => this.forward(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    return this;
  }

  /** The endpoint is removed: no new connections go to it. */
  remove(backend: Backend): void {
    const index = this.live.findIndex((b) => b.host === backend.host && b.port === backend.port);
    if (index >= 0) this.live.splice(index, 1);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  private forward(client: Socket): void {
    const backend = this.live[this.next++ % Math.max(1, this.live.length)];
    if (!backend) {
      client.destroy();
      return;
    }
    const key = `${backend.host}:${backend.port}`;
    this.connections.set(key, (this.connections.get(key) ?? 0) + 1);
    const upstream = connect(backend.port, backend.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  }
}
