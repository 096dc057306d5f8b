import { type Server, type Socket, createServer } from 'node:net';
import { type Logger, errorSummary, portOf } from '@ms/service-kit';
import { GobError, type GobRpcRequest, GobRpcServerCodec } from '@ms/service-kit/gob';
import { type RpcWireProtocol, sniffProtocol } from './protocol-sniffer';
import { RPC_ERROR, errorResponse } from './rpc-errors';

/** Handles one parsed JSON message; resolves to the response, or undefined for a notification. */
export type RpcMessageHandler = (message: unknown) => Promise<object | undefined>;

/** Handles one Go net/rpc (gob) call: the reply string, or the error text for the header. */
export type GobCallHandler = (
  request: GobRpcRequest,
) => Promise<{ reply: string } | { error: string }>;

export interface RpcServerOptions {
  /** JSON-RPC 2.0 and 1.0 messages, one JSON value per line. */
  handler: RpcMessageHandler;
  /** Go net/rpc calls in gob; without it a gob connection is refused. */
  gobHandler?: GobCallHandler;
  logger: Logger;
  /** A longer message (JSON line or gob message) is refused and its connection closed. */
  maxMessageBytes?: number;
  /** Reading from a connection pauses while this many of its calls are running. */
  maxInFlightPerConnection?: number;
  /** A connection with no traffic and no call running is closed after this long. */
  idleTimeoutMs?: number;
}

type Settings = Required<Omit<RpcServerOptions, 'gobHandler'>> &
  Pick<RpcServerOptions, 'gobHandler'>;

/**
 * The logger's RPC port. Each connection's protocol is recognised from its first bytes
 * (protocol-sniffer.ts): newline-delimited JSON-RPC 2.0 (and 1.0, Go's net/rpc/jsonrpc),
 * or Go's net/rpc with gob. A connection stays open for any number of calls, which run
 * concurrently; answers go back as calls finish, matched by id (JSON) or Seq (gob). Bad
 * input closes that connection only, with a log line.
 */
export class RpcServer {
  private readonly server: Server;
  private readonly connections = new Set<RpcConnection>();
  private readonly settings: Settings;

  constructor(options: RpcServerOptions) {
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

/** How one protocol reads its bytes; it hands calls to the connection. */
interface WireReader {
  receive(chunk: Buffer): void;
  /** The client half-closed: answer what was sent. */
  end(): void;
}

/** A socket's life: protocol detection, calls in flight with back-pressure, closing. */
class RpcConnection {
  private reader: WireReader | undefined;
  private sniffed: Buffer = Buffer.alloc(0);
  private inFlight = 0;
  private closing = false;
  readonly peer: string;

  constructor(
    private readonly socket: Socket,
    readonly settings: Settings,
    onClose: () => void,
  ) {
    this.peer = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.setKeepAlive(true, 30_000);
    socket.setTimeout(settings.idleTimeoutMs, () => {
      if (this.inFlight === 0) this.finish();
    });
    socket.on('data', (chunk: Buffer) => {
      if (!this.closing) this.receive(chunk);
    });
    socket.on('end', () => {
      if (!this.closing) {
        if (!this.reader && this.sniffed.length > 0) this.start('json');
        this.reader?.end();
      }
      this.finish();
    });
    socket.on('error', (err) =>
      settings.logger.debug({ peer: this.peer, err: errorSummary(err) }, 'rpc connection error'),
    );
    socket.on('close', onClose);
  }

  get isClosing(): boolean {
    return this.closing;
  }

  drain(timeoutMs: number): void {
    this.finish();
    setTimeout(() => this.socket.destroy(), timeoutMs).unref();
  }

  /** Runs one call; `answer` writes its result. Reading pauses while too many run. */
  run<T>(
    call: () => Promise<T>,
    answer: (result: T) => void,
    failed: (err: unknown) => void,
  ): void {
    this.inFlight++;
    if (this.inFlight >= this.settings.maxInFlightPerConnection) this.socket.pause();
    call()
      .then(answer, (err: unknown) => {
        this.settings.logger.error({ err }, 'rpc handler failed');
        failed(err);
      })
      .catch((err: unknown) => {
        this.settings.logger.error({ err }, 'rpc answer could not be written');
        this.finish();
      })
      .finally(() => {
        this.inFlight--;
        if (this.closing) this.finish();
        else if (this.inFlight < this.settings.maxInFlightPerConnection) this.socket.resume();
      });
  }

  write(bytes: string | Buffer): void {
    if (this.socket.writable) this.socket.write(bytes);
  }

  /** Bad input: one log line, an optional last answer, and this connection closes once its calls answered. */
  refuse(reason: string, fields: object = {}, lastAnswer?: string | Buffer): void {
    this.settings.logger.warn({ peer: this.peer, ...fields }, `rpc connection closed: ${reason}`);
    if (lastAnswer !== undefined) this.write(lastAnswer);
    this.finish();
  }

  private receive(chunk: Buffer): void {
    if (this.reader) {
      this.reader.receive(chunk);
      return;
    }
    this.sniffed = this.sniffed.length ? Buffer.concat([this.sniffed, chunk]) : chunk;
    const protocol = sniffProtocol(this.sniffed);
    if (protocol) this.start(protocol);
  }

  private start(protocol: RpcWireProtocol): void {
    if (protocol === 'gob' && this.settings.gobHandler) {
      this.reader = new GobReader(this, this.settings.gobHandler);
    } else {
      this.reader = new NdjsonReader(this);
    }
    const first = this.sniffed;
    this.sniffed = Buffer.alloc(0);
    this.reader.receive(first);
  }

  private finish(): void {
    this.closing = true;
    this.socket.pause();
    if (this.inFlight === 0) this.socket.destroySoon();
  }
}

const NEWLINE = 0x0a;
const JSON_WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const OBJECT_OR_ARRAY_START = new Set([0x7b, 0x5b]); // '{' '['

/** JSON-RPC, newline-delimited: one JSON object (or batch array) and "\n" each way. */
class NdjsonReader implements WireReader {
  private readonly pending: Buffer[] = [];
  private pendingBytes = 0;
  private messageStarted = false;

  constructor(private readonly connection: RpcConnection) {}

  receive(chunk: Buffer): void {
    let start = 0;
    while (!this.connection.isClosing) {
      const newline = chunk.indexOf(NEWLINE, start);
      const piece = chunk.subarray(start, newline === -1 ? chunk.length : newline);
      if (!this.append(piece) || newline === -1) return;
      this.dispatchPending();
      start = newline + 1;
    }
  }

  end(): void {
    this.dispatchPending();
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
    const limit = this.connection.settings.maxMessageBytes;
    if (this.pendingBytes > limit) {
      this.refuse(RPC_ERROR.INVALID_REQUEST, `Invalid Request: message longer than ${limit} bytes`);
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
    this.connection.run(
      () => this.connection.settings.handler(message),
      (response) => response && this.send(response),
      () => this.send(errorResponse(RPC_ERROR.INTERNAL_ERROR, 'Internal error', idOf(message))),
    );
  }

  private send(response: object): void {
    this.connection.write(`${JSON.stringify(response)}\n`);
  }

  private refuse(code: number, message: string): void {
    this.connection.refuse(message, { code }, `${JSON.stringify(errorResponse(code, message))}\n`);
  }
}

/** Go net/rpc with gob: header and body values in, header and reply values out. */
class GobReader implements WireReader {
  private readonly codec: GobRpcServerCodec;

  constructor(
    private readonly connection: RpcConnection,
    private readonly handler: GobCallHandler,
  ) {
    this.codec = new GobRpcServerCodec({ maxMessageBytes: connection.settings.maxMessageBytes });
  }

  receive(chunk: Buffer): void {
    let requests: GobRpcRequest[];
    try {
      requests = this.codec.receive(chunk);
    } catch (err) {
      // Go's own server closes the connection on a stream it cannot decode, answering nothing.
      if (!(err instanceof GobError)) throw err;
      this.connection.refuse(err.message, { protocol: 'gob' });
      return;
    }
    for (const request of requests) {
      this.connection.run(
        () => this.handler(request),
        (outcome) =>
          this.connection.write(
            'reply' in outcome
              ? this.codec.encodeReply(request, outcome.reply)
              : this.codec.encodeError(request, outcome.error),
          ),
        () => this.connection.write(this.codec.encodeError(request, 'Internal error')),
      );
    }
  }

  end(): void {
    if (this.codec.buffered > 0) {
      this.connection.refuse('gob stream ends inside a message', { protocol: 'gob' });
    }
  }
}

function idOf(message: unknown): unknown {
  const id = (message as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}
