import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { listen, portOf } from '@ms/service-kit';

export interface ReceivedLog {
  body: { name?: unknown; data?: unknown };
  requestId: string | undefined;
}

/**
 * Stands in for the logger-service (a collaborator of this service): records each
 * POST /log and answers like the real one, or never answers while `hang` is set.
 */
export class FakeLoggerService {
  readonly received: ReceivedLog[] = [];
  hang = false;
  private server: Server | undefined;

  get url(): string {
    if (!this.server) throw new Error('fake logger-service not started');
    return `http://127.0.0.1:${portOf(this.server)}`;
  }

  async start(): Promise<void> {
    this.server = await listen((req, res) => this.handle(req, res), 0, '127.0.0.1');
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      this.received.push({
        body: JSON.parse(text) as ReceivedLog['body'],
        requestId: req.headers['x-request-id'] as string | undefined,
      });
      if (this.hang) return;
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: false, message: 'logged' }));
    });
  }
}
