import { type TraceCarrier, errorSummary } from '@ms/service-kit';
import { type JsonRpcEndpoint, JsonRpcConnection } from './json-rpc-connection';

export interface JsonRpcPoolOptions extends JsonRpcEndpoint {
  size: number;
}

/**
 * A small fixed set of persistent RPC connections (JSON-RPC 2.0, or gob with
 * `protocol: 'gob'`). A call goes to the connected
 * connection with the fewest calls in flight; a dropped connection is redialled by the
 * next call that finds the others busy (or all of them dropped).
 */
export class JsonRpcPool {
  private readonly connections: JsonRpcConnection[];
  private turn = 0;

  constructor(private readonly options: JsonRpcPoolOptions) {
    this.connections = Array.from(
      { length: Math.max(1, options.size) },
      () => new JsonRpcConnection(options),
    );
  }

  call(
    method: string,
    params: Record<string, string>,
    timeoutMs: number,
    trace?: TraceCarrier,
  ): Promise<unknown> {
    return this.pick().call(method, params, timeoutMs, trace);
  }

  get connectedCount(): number {
    return this.connections.filter((connection) => connection.isConnected).length;
  }

  /** Opens every connection now, so the first requests do not pay for the dial. */
  async warmUp(timeoutMs: number): Promise<void> {
    await Promise.all(
      this.connections.map((connection) =>
        connection.connect(timeoutMs).catch((err: unknown) => {
          this.options.logger.warn(
            { err: errorSummary(err) },
            `${this.options.serviceName} RPC not reachable yet; will dial on first call`,
          );
        }),
      ),
    );
  }

  close(): void {
    for (const connection of this.connections) connection.close();
  }

  private pick(): JsonRpcConnection {
    let best: JsonRpcConnection | undefined;
    for (const connection of this.connections) {
      if (!connection.isConnected) continue;
      if (!best || connection.pendingCount < best.pendingCount) best = connection;
    }
    if (best && best.pendingCount === 0) return best;
    // Busy or none connected: redial a dropped connection, taking turns over the pool.
    for (let i = 0; i < this.connections.length; i++) {
      this.turn = (this.turn + 1) % this.connections.length;
      const candidate = this.connections[this.turn] as JsonRpcConnection;
      if (!candidate.isConnected) return candidate;
    }
    return best as JsonRpcConnection;
  }
}
