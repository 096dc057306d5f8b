import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  body: unknown;
}

type Answer = { status: number; body: unknown };
type Responder = (request: ReceivedRequest) => Answer;

/**
 * A stand-in for the broker that the page (the unit under test) talks to: records what the
 * page sent and answers what the test tells it to, with CORS for the page's origin.
 */
export class FakeBroker {
  readonly received: ReceivedRequest[] = [];
  respond: Responder = () => ({ status: 202, body: { error: false, message: 'ok' } });
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Accept');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const request = {
      method: req.method ?? '',
      path: req.url ?? '',
      body: raw ? (JSON.parse(raw) as unknown) : undefined,
    };
    if (!request.path.startsWith('/logs')) this.received.push(request);
    const answer = this.respond(request);
    res.writeHead(answer.status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  }
}
