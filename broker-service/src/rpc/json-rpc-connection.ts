import { type Socket, connect } from 'node:net';
import {
  type Logger,
  type TraceCarrier,
  TimeoutError,
  UnavailableError,
  UpstreamError,
  errorSummary,
} from '@ms/service-kit';
import {
  type RpcClientCodec,
  type RpcProtocol,
  type RpcReply,
  createClientCodec,
} from './rpc-codecs';

export interface JsonRpcEndpoint {
  host: string;
  port: number;
  /** For client-facing messages: "logger service unavailable". */
  serviceName: string;
  logger: Logger;
  /** JSON-RPC 2.0 (default), or Go's net/rpc with gob (a Go logger, or ours). */
  protocol?: RpcProtocol;
}

interface PendingCall {
  resolve: (result: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One persistent TCP connection to an RPC server (JSON-RPC 2.0, or Go net/rpc with gob).
 * Calls are multiplexed on it by id (gob: Seq), each with its own deadline. When the connection drops, the calls waiting on it fail
 * (503) and the next call dials again: there is no dial per request, only per drop.
 */
export class JsonRpcConnection {
  private socket: Socket | undefined;
  private codec: RpcClientCodec | undefined;
  private connecting: Promise<Socket> | undefined;
  private readonly pending = new Map<number, PendingCall>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly endpoint: JsonRpcEndpoint) {}

  get isConnected(): boolean {
    return this.socket !== undefined;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  async call(
    method: string,
    params: Record<string, string>,
    timeoutMs: number,
    trace?: TraceCarrier,
  ): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    const socket = await this.connected(timeoutMs);
    const id = this.nextId++;
    const remaining = Math.max(1, deadline - Date.now());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new TimeoutError(`${this.endpoint.serviceName} timed out`));
      }, remaining);
      this.pending.set(id, { resolve, reject, timer });
      socket.write((this.codec as RpcClientCodec).encodeCall(id, method, params, trace));
    });
  }

  /** Dials now (used to warm the pool up at start-up); failures only matter to callers. */
  async connect(timeoutMs: number): Promise<void> {
    await this.connected(timeoutMs);
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
    this.failPending(new UnavailableError(`${this.endpoint.serviceName} unavailable`));
  }

  private connected(timeoutMs: number): Promise<Socket> {
    if (this.closed) {
      return Promise.reject(new UnavailableError(`${this.endpoint.serviceName} unavailable`));
    }
    if (this.socket) return Promise.resolve(this.socket);
    this.connecting ??= this.dial(timeoutMs).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private dial(timeoutMs: number): Promise<Socket> {
    const { host, port, serviceName, logger } = this.endpoint;
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TimeoutError(`${serviceName} timed out`));
      }, timeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new UnavailableError(`${serviceName} unavailable`, { cause: err }));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        if (this.closed) {
          socket.destroy();
          reject(new UnavailableError(`${serviceName} unavailable`));
          return;
        }
        socket.setNoDelay(true);
        socket.setKeepAlive(true, 30_000);
        this.adopt(socket);
        logger.debug({ host, port, protocol: this.endpoint.protocol }, 'RPC connection open');
        resolve(socket);
      });
    });
  }

  private adopt(socket: Socket): void {
    // Each connection starts its encoding afresh (gob sends its type definitions again).
    const codec = createClientCodec(this.endpoint.protocol ?? 'jsonrpc');
    this.socket = socket;
    this.codec = codec;
    socket.on('data', (chunk: Buffer) => {
      let replies: RpcReply[];
      try {
        replies = codec.receive(chunk);
      } catch (err) {
        this.endpoint.logger.warn({ err: errorSummary(err) }, 'RPC answer stream is corrupt');
        this.drop(
          socket,
          new UpstreamError(`${this.endpoint.serviceName} sent an invalid response`),
        );
        return;
      }
      for (const reply of replies) this.settle(reply);
    });
    socket.on('error', (err) => {
      this.endpoint.logger.warn({ err: errorSummary(err) }, 'RPC connection error');
    });
    socket.on('close', () => {
      this.drop(socket, new UnavailableError(`${this.endpoint.serviceName} unavailable`));
    });
  }

  private drop(socket: Socket, reason: Error): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    socket.destroy();
    this.failPending(reason);
  }

  private failPending(reason: Error): void {
    for (const [id, call] of this.pending) {
      clearTimeout(call.timer);
      this.pending.delete(id);
      call.reject(reason);
    }
  }

  private settle(reply: RpcReply): void {
    const call = this.pending.get(reply.id);
    if (!call) return; // a late answer to a call that already timed out
    this.pending.delete(reply.id);
    clearTimeout(call.timer);
    if (reply.error) call.reject(reply.error);
    else call.resolve(reply.result);
  }
}
