import { type Socket, connect } from 'node:net';
import {
  type Logger,
  TimeoutError,
  UnavailableError,
  UpstreamError,
  errorSummary,
} from '@ms/service-kit';
import { JsonStreamSplitter } from './json-stream';

export interface JsonRpcEndpoint {
  host: string;
  port: number;
  /** For client-facing messages: "logger service unavailable". */
  serviceName: string;
  logger: Logger;
}

interface PendingCall {
  resolve: (result: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

interface JsonRpcResponse {
  jsonrpc?: unknown;
  id?: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown; data?: unknown };
}

/** A JSON-RPC error object the server answered with. */
export class JsonRpcRemoteError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'JsonRpcRemoteError';
  }
}

/**
 * One persistent TCP connection to a JSON-RPC 2.0 server. Calls are multiplexed on it by
 * id, each with its own deadline. When the connection drops, the calls waiting on it fail
 * (503) and the next call dials again: there is no dial per request, only per drop.
 */
export class JsonRpcConnection {
  private socket: Socket | undefined;
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

  async call(method: string, params: unknown, timeoutMs: number): Promise<unknown> {
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
      socket.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
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
        socket.setEncoding('utf8');
        this.adopt(socket);
        logger.debug({ host, port }, 'JSON-RPC connection open');
        resolve(socket);
      });
    });
  }

  private adopt(socket: Socket): void {
    const splitter = new JsonStreamSplitter();
    this.socket = socket;
    socket.on('data', (chunk: string) => {
      let messages: string[];
      try {
        messages = splitter.push(chunk);
      } catch (err) {
        this.endpoint.logger.warn({ err: errorSummary(err) }, 'JSON-RPC stream is corrupt');
        this.drop(
          socket,
          new UpstreamError(`${this.endpoint.serviceName} sent an invalid response`),
        );
        return;
      }
      for (const message of messages) this.settle(message);
    });
    socket.on('error', (err) => {
      this.endpoint.logger.warn({ err: errorSummary(err) }, 'JSON-RPC connection error');
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

  private settle(text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.endpoint.logger.warn('JSON-RPC response is not valid JSON');
      return;
    }
    for (const response of (Array.isArray(parsed) ? parsed : [parsed]) as JsonRpcResponse[]) {
      const call = typeof response?.id === 'number' ? this.pending.get(response.id) : undefined;
      if (!call) continue; // a late answer to a call that already timed out
      this.pending.delete(response.id as number);
      clearTimeout(call.timer);
      if (response.error) {
        const { code, message, data } = response.error;
        call.reject(
          new JsonRpcRemoteError(
            typeof code === 'number' ? code : -32603,
            typeof message === 'string' ? message : 'error',
            data,
          ),
        );
      } else {
        call.resolve(response.result);
      }
    }
  }
}
