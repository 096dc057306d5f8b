import { type Server, createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does with `POST /logs/batch`:
 * - forward: passes it on and returns the logger's answer;
 * - unavailable: answers 503 without passing it on (the logger never saw it);
 * - answer-lost: passes it on (the logger stores) but answers 503, as if the answer was
 *   lost on the way back.
 */
export type ProxyMode = 'forward' | 'unavailable' | 'answer-lost';

interface BatchBody {
  entries: { name: string; data: string; event_id?: string }[];
}

/** An HTTP proxy in front of the real logger, to play failures of the batch call. */
export class LoggerProxy {
  mode: ProxyMode = 'forward';
  /** Held this long before the batch call is passed on. */
  delayMs = 0;
  /** Changes a batch before it is passed on (e.g. to make the logger reject one entry). */
  rewrite: ((body: BatchBody) => BatchBody) | undefined;
  /** Entries per batch call received, and what the proxy answered. */
  readonly batchCalls: { entries: number; status: number }[] = [];

  private constructor(
    private readonly server: Server,
    private readonly target: string,
  ) {}

  static async start(target: string): Promise<LoggerProxy> {
    const server = createServer();
    const proxy = new LoggerProxy(server, target);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        proxy
          .handle(req.method ?? 'GET', req.url ?? '/', req.headers, Buffer.concat(chunks))
          .then(({ status, body }) => {
            res.writeHead(status, { 'content-type': 'application/json' }).end(body);
          })
          .catch(() => res.writeHead(502).end('{"error":true,"message":"proxy failed"}'));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(
    method: string,
    path: string,
    headers: Record<string, string | string[] | undefined>,
    body: Buffer,
  ): Promise<{ status: number; body: string }> {
    if (method !== 'POST' || path !== '/logs/batch')
      return this.forward(method, path, headers, body);
    const batch = JSON.parse(body.toString()) as BatchBody;
    const mode = this.mode;
    if (this.delayMs > 0) await sleep(this.delayMs);
    if (mode === 'unavailable') return this.answerBatch(batch, 503);
    const forwarded = this.rewrite ? JSON.stringify(this.rewrite(batch)) : body;
    const answer = await this.forward(method, path, headers, forwarded);
    if (mode === 'answer-lost') return this.answerBatch(batch, 503);
    this.batchCalls.push({ entries: batch.entries.length, status: answer.status });
    return answer;
  }

  private answerBatch(batch: BatchBody, status: number): { status: number; body: string } {
    this.batchCalls.push({ entries: batch.entries.length, status });
    return { status, body: '{"error":true,"message":"logger service unavailable"}' };
  }

  private async forward(
    method: string,
    path: string,
    headers: Record<string, string | string[] | undefined>,
    body: Buffer | string,
  ): Promise<{ status: number; body: string }> {
    const requestId = headers['x-request-id'];
    const response = await fetch(new URL(path, this.target), {
      method,
      headers: {
        'content-type': 'application/json',
        ...(typeof requestId === 'string' ? { 'x-request-id': requestId } : {}),
      },
      body: method === 'GET' ? undefined : body,
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, body: await response.text() };
  }
}
