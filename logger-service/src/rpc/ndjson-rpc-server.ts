import { type Server, type Socket, createServer } from 'node:net';
import { type Logger, errorSummary, portOf } from '@ms/service-kit';
import { RPC_ERROR, errorResponse } from './rpc-errors';

/** Handles one parsed JSON message; resolves to the response, or undefined for a notification. */
export type RpcMessageHandler = (message: unknown) => Promise<object | undefined>;

export interface NdjsonRpcServerOptions {
  handler: RpcMessageHandler;
  logger: Logger;
  /** A longer message is refused and its connection closed. */
  maxMessageBytes?: number;
  /** Reading from a connection pauses while this many of its calls are running. */
  maxInFlightPerConnection?: number;
  /** A connection with no traffic and no call running is closed after this long. */
  idleTimeoutMs?: number;
}

const NEWLINE = 0x0a;
const JSON_WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const OBJECT_OR_ARRAY_START = new Set([0x7b, 0x5b]); // '{' '['

/**
 * JSON-RPC 2.0 over TCP, newline-delimited: each request is one JSON object (or batch
 * array) followed by "\n"; each response is one JSON line. A connection stays open for
 * any number of calls, which run concurrently; responses come back as calls finish, so
 * clients match them by id. Bytes that cannot be JSON-RPC get a parse error and that
 * connection (only) is closed.
 */
export class NdjsonRpcServer {
  private readonly server: Server;
  private readonly connections = new Set<RpcConnection>();
  private readonly settings: Required<NdjsonRpcServerOptions>;

  constructor(options: NdjsonRpcServerOptions) {
    this.settings = {
      maxMessageBytes: 1024 * 1024,
      maxInFlightPerConnection: 256,
      idleTimeoutMs: 10 * 60_000,
      ...options,
    };
    this.server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
      const connection = new RpcConnection(socket, this.settings, () =>
        this.connections.delete(connection),
      );
      this.connections.add(connection);
    });
  }

  listen(port: number, host = '0.0.0.0'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(portOf(this.server));
      });
    });
  }

  /** Stops accepting, lets running calls answer, then closes every connection. */
  close(drainTimeoutMs = 5000): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      if (!this.server.listening) resolve();
      else this.server.close(() => resolve());
    });
    for (const connection of this.connections) connection.drain(drainTimeoutMs);
    return closed;
  }
}

class RpcConnection {
  private readonly pending: Buffer[] = [];
  private pendingBytes = 0;
  private messageStarted = false;
  private inFlight = 0;
  private closing = false;
  private readonly peer: string;

  constructor(
    private readonly socket: Socket,
    private readonly settings: Required<NdjsonRpcServerOptions>,
    onClose: () => void,
  ) {
    this.peer = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.setKeepAlive(true, 30_000);
    socket.setTimeout(settings.idleTimeoutMs, () => {
      if (this.inFlight === 0) this.finish();
    });
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    // The client is done sending (half-close): answer what it sent, then close.
    socket.on('end', () => {
      if (!this.closing) this.dispatchPending();
      this.finish();
    });
    socket.on('error', (err) =>
      settings.logger.debug({ peer: this.peer, err: errorSummary(err) }, 'rpc connection error'),
    );
    socket.on('close', onClose);
  }

  drain(timeoutMs: number): void {
    this.finish();
    setTimeout(() => this.socket.destroy(), timeoutMs).unref();
  }

  private receive(chunk: Buffer): void {
    let start = 0;
    while (!this.closing) {
      const newline = chunk.indexOf(NEWLINE, start);
      const piece = chunk.subarray(start, newline === -1 ? chunk.length : newline);
      if (!this.append(piece) || newline === -1) return;
      this.dispatchPending();
      start = newline + 1;
    }
  }

  /** Buffers part of a message; false when the connection is being closed for bad input. */
  private append(piece: Buffer): boolean {
    let part = piece;
    if (!this.messageStarted) {
      const first = part.findIndex((byte) => !JSON_WHITESPACE.has(byte));
      if (first === -1) return true;
      // Refuse garbage at its first byte instead of buffering until a newline that may never come.
      if (!OBJECT_OR_ARRAY_START.has(part[first]!)) {
        this.refuse(RPC_ERROR.PARSE_ERROR, 'Parse error');
        return false;
      }
      this.messageStarted = true;
      part = part.subarray(first);
    }
    this.pendingBytes += part.length;
    if (this.pendingBytes > this.settings.maxMessageBytes) {
      this.refuse(
        RPC_ERROR.INVALID_REQUEST,
        `Invalid Request: message longer than ${this.settings.maxMessageBytes} bytes`,
      );
      return false;
    }
    this.pending.push(part);
    return true;
  }

  private dispatchPending(): void {
    if (!this.messageStarted) return;
    const text = Buffer.concat(this.pending, this.pendingBytes).toString('utf8');
    this.pending.length = 0;
    this.pendingBytes = 0;
    this.messageStarted = false;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.refuse(RPC_ERROR.PARSE_ERROR, 'Parse error');
      return;
    }
    this.dispatch(message);
  }

  private dispatch(message: unknown): void {
    this.inFlight++;
    if (this.inFlight >= this.settings.maxInFlightPerConnection) this.socket.pause();
    this.settings
      .handler(message)
      .then(
        (response) => response && this.send(response),
        (err: unknown) => {
          this.settings.logger.error({ err }, 'rpc handler failed');
          this.send(errorResponse(RPC_ERROR.INTERNAL_ERROR, 'Internal error', idOf(message)));
        },
      )
      .finally(() => {
        this.inFlight--;
        if (this.closing) this.finish();
        else if (this.inFlight < this.settings.maxInFlightPerConnection) this.socket.resume();
      });
  }

  private send(response: object): void {
    if (this.socket.writable) this.socket.write(`${JSON.stringify(response)}\n`);
  }

  /** Answers bad input with one error line and closes this connection once its calls answered. */
  private refuse(code: number, message: string): void {
    this.settings.logger.warn({ peer: this.peer, code }, `rpc connection closed: ${message}`);
    this.send(errorResponse(code, message));
    this.finish();
  }

  private finish(): void {
    this.closing = true;
    this.socket.pause();
    if (this.inFlight === 0) this.socket.destroySoon();
  }
}

function idOf(message: unknown): unknown {
  const id = (message as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}
