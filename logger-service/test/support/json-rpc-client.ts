import { type Socket, connect } from 'node:net';

export interface RpcResponse {
  jsonrpc: '2.0';
  id: string | number | null;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/**
 * A minimal newline-delimited JSON-RPC 2.0 client on one persistent connection, the
 * framing the logger documents: one JSON object per line each way, matched by id.
 */
export class JsonRpcTestClient {
  private buffer = '';
  private nextId = 1;
  private readonly waiting = new Map<string | number, (response: RpcResponse) => void>();
  /** Responses that matched no pending call (id null: parse errors, invalid requests). */
  readonly unmatched: RpcResponse[] = [];
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.receive(chunk));
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<JsonRpcTestClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => {
        socket.off('error', reject);
        resolve(new JsonRpcTestClient(socket));
      });
      socket.once('error', reject);
    });
  }

  call(method: string, params?: unknown, timeoutMs = 10_000): Promise<RpcResponse> {
    const id = this.nextId++;
    const answered = new Promise<RpcResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`no answer to ${method} #${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, (response) => {
        clearTimeout(timer);
        resolve(response);
      });
    });
    this.writeLine(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    return answered;
  }

  /** Resolves with the next response that has id null (errors about a message as a whole). */
  async nextUnmatched(timeoutMs = 5000): Promise<RpcResponse> {
    const deadline = Date.now() + timeoutMs;
    while (this.unmatched.length === 0) {
      if (Date.now() > deadline) throw new Error('no id-less response arrived');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.unmatched.shift()!;
  }

  writeLine(line: string): void {
    this.socket.write(`${line}\n`);
  }

  writeRaw(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  get isClosed(): boolean {
    return this.socket.destroyed;
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) !== -1) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      const response = JSON.parse(line) as RpcResponse;
      const resolve = response.id === null ? undefined : this.waiting.get(response.id);
      if (resolve && response.id !== null) {
        this.waiting.delete(response.id);
        resolve(response);
      } else {
        this.unmatched.push(response);
      }
    }
  }
}
