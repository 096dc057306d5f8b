import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AppError,
  JsonHttpClient,
  TimeoutError,
  TooManyRequestsError,
  UnavailableError,
  UpstreamError,
  listen,
  portOf,
  runWithRequestId,
} from '../src';
import { freePort } from '@ms/testing';

describe('JsonHttpClient against a real HTTP server', () => {
  let server: Server;
  let baseUrl: string;
  const seen: { path: string; requestId?: string; body: string }[] = [];

  beforeAll(async () => {
    server = await listen(
      async (req, res) => {
        let body = '';
        for await (const chunk of req) body += chunk;
        seen.push({
          path: req.url ?? '',
          requestId: req.headers['x-request-id'] as string | undefined,
          body,
        });
        const reply = (status: number, payload: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
        };
        if (req.url === '/ok')
          return reply(202, { error: false, message: 'logged', data: { id: 1 } });
        if (req.url === '/unauthorized')
          return reply(401, { error: true, message: 'invalid credentials' });
        if (req.url === '/limited') {
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '42' });
          return res.end(JSON.stringify({ error: true, message: 'too many failed logins' }));
        }
        if (req.url === '/boom') return reply(500, { error: true, message: 'internal error' });
        if (req.url === '/garbage') return reply(200, '<html>');
        if (req.url === '/slow') {
          await sleep(500);
          return reply(202, { error: false, message: 'late' });
        }
        reply(404, { error: true, message: 'route not found' });
      },
      0,
      '127.0.0.1',
    );
    baseUrl = `http://127.0.0.1:${portOf(server)}`;
  });

  const clients: JsonHttpClient[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await new Promise((resolve) => server.close(resolve));
  });

  let shared: JsonHttpClient | undefined;
  const client = () => {
    shared ??= new JsonHttpClient({ baseUrl, serviceName: 'logger service', timeoutMs: 200 });
    if (!clients.includes(shared)) clients.push(shared);
    return shared;
  };

  it('returns the envelope of a 2xx answer and sends JSON with the request id', async () => {
    const answer = await runWithRequestId('rid-1', () => client().post('/ok', { name: 'n' }));
    expect(answer).toEqual({ error: false, message: 'logged', data: { id: 1 } });
    expect(seen.at(-1)).toEqual({ path: '/ok', requestId: 'rid-1', body: '{"name":"n"}' });
  });

  it('passes a 401 through with its message', async () => {
    const err = await client()
      .post('/unauthorized', {})
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ status: 401, message: 'invalid credentials' });
  });

  it('passes a 429 through with its Retry-After', async () => {
    const err = await client()
      .post('/limited', {})
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TooManyRequestsError);
    expect(err).toMatchObject({
      status: 429,
      message: 'too many failed logins',
      retryAfterSeconds: 42,
    });
  });

  it('maps a downstream 500 to 502', async () => {
    await expect(client().get('/boom')).rejects.toBeInstanceOf(UpstreamError);
  });

  it('maps a non-JSON answer to 502', async () => {
    await expect(client().get('/garbage')).rejects.toMatchObject({ status: 502 });
  });

  it('maps a slow answer to 504', async () => {
    await expect(client().get('/slow')).rejects.toBeInstanceOf(TimeoutError);
  });

  it('keeps one connection alive across sequential calls (no dial per request)', async () => {
    const ports = new Set<number>();
    const onRequest = (req: { socket: { remotePort?: number } }) =>
      ports.add(req.socket.remotePort ?? -1);
    const own = new JsonHttpClient({ baseUrl, serviceName: 'logger service', timeoutMs: 500 });
    clients.push(own);
    server.on('request', onRequest);
    try {
      for (let i = 0; i < 20; i++) await own.post('/ok', { i });
    } finally {
      server.off('request', onRequest);
    }
    // undici may open a second connection while the first is still finishing a response.
    expect(ports.size).toBeLessThanOrEqual(2);
  });

  it('closes its connections on close() and refuses calls afterwards', async () => {
    const own = new JsonHttpClient({ baseUrl, serviceName: 'logger service', timeoutMs: 500 });
    await own.post('/ok', {});
    await own.close();
    await expect(own.post('/ok', {})).rejects.toBeInstanceOf(UnavailableError);
  });

  it('maps a closed port to 503 without naming the host', async () => {
    const closed = new JsonHttpClient({
      baseUrl: `http://127.0.0.1:${await freePort()}`,
      serviceName: 'logger service',
      timeoutMs: 1000,
    });
    clients.push(closed);
    const err = await closed.get('/ok').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    expect((err as Error).message).toBe('logger service unavailable');
  });
});
