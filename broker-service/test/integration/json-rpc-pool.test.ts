import { type Server, type Socket, createServer } from 'node:net';
import { TimeoutError, UnavailableError, runWithRequestId } from '@ms/service-kit';
import { freePort } from '@ms/testing';
import { JsonRpcPool } from '../../src/rpc/json-rpc-pool';
import { LoggerRpcClient } from '../../src/rpc/logger-rpc-client';
import { silentLogger } from '../support/fakes';

/**
 * The client's own behaviour (multiplexing, deadlines, drops, framing) against a scripted
 * TCP peer, because a real logger cannot be made to hang or to cut a call in half on cue.
 * The same client against the real logger is in end-to-end.test.ts.
 */
type Reply = (request: { id: number; method: string; params: unknown }, socket: Socket) => void;

class ScriptedRpcServer {
  readonly sockets = new Set<Socket>();
  readonly requests: { method: string; params: unknown }[] = [];
  accepted = 0;
  reply: Reply = (request, socket) =>
    socket.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: request.id, result: `ok ${request.id}` })}\n`,
    );
  private server: Server | undefined;

  async listen(port = 0): Promise<number> {
    this.server = createServer((socket) => {
      this.accepted++;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      let buffer = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        buffer += chunk;
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const request = JSON.parse(buffer.slice(0, newline));
          buffer = buffer.slice(newline + 1);
          this.requests.push({ method: request.method, params: request.params });
          this.reply(request, socket);
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return (this.server!.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    if (server?.listening) await new Promise((resolve) => server.close(resolve));
  }
}

describe('JSON-RPC pool over persistent TCP connections', () => {
  let server: ScriptedRpcServer;
  let pool: JsonRpcPool;

  const makePool = (port: number, size = 2) =>
    new JsonRpcPool({
      host: '127.0.0.1',
      port,
      size,
      serviceName: 'logger service',
      logger: silentLogger(),
    });

  beforeEach(() => {
    server = new ScriptedRpcServer();
  });
  afterEach(async () => {
    pool?.close();
    await server.close();
  });

  it('multiplexes many calls over the pool without a dial per call', async () => {
    const port = await server.listen();
    pool = makePool(port, 2);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        pool.call('LogInfo', { name: `n${i}`, data: 'd' }, 2000),
      ),
    );
    expect(results.every((result) => typeof result === 'string' && result.startsWith('ok '))).toBe(
      true,
    );
    await Promise.all(Array.from({ length: 50 }, () => pool.call('LogInfo', {}, 2000)));
    expect(server.accepted).toBeLessThanOrEqual(2);
    expect(server.requests).toHaveLength(100);
  });

  it('matches answers to calls by id when they come back out of order', async () => {
    const port = await server.listen();
    pool = makePool(port, 1);
    const held: { id: number; socket: Socket }[] = [];
    server.reply = (request, socket) => {
      held.push({ id: request.id, socket });
      if (held.length === 2) {
        // answer the second first, both in one write without a delimiter (jayson's style)
        const [first, second] = held as [
          { id: number; socket: Socket },
          { id: number; socket: Socket },
        ];
        socket.write(
          JSON.stringify({ jsonrpc: '2.0', id: second.id, result: 'second' }) +
            JSON.stringify({ jsonrpc: '2.0', id: first.id, result: 'first' }),
        );
      }
    };
    const [a, b] = await Promise.all([
      pool.call('LogInfo', { n: '1' }, 2000),
      pool.call('LogInfo', { n: '2' }, 2000),
    ]);
    expect([a, b]).toEqual(['first', 'second']);
  });

  it('a call the server never answers fails with 504 at its deadline, and the connection stays usable', async () => {
    const port = await server.listen();
    pool = makePool(port, 1);
    let answer = false;
    server.reply = (request, socket) => {
      if (answer)
        socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: request.id, result: 'late ok' })}\n`);
    };
    const started = Date.now();
    await expect(pool.call('LogInfo', {}, 300)).rejects.toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(2000);
    answer = true;
    await expect(pool.call('LogInfo', {}, 2000)).resolves.toBe('late ok');
    expect(server.accepted).toBe(1);
  });

  it('calls in flight when the connection drops fail with 503, and the next call redials', async () => {
    const port = await server.listen();
    pool = makePool(port, 1);
    server.reply = (_request, socket) => socket.destroy();
    await expect(pool.call('LogInfo', {}, 2000)).rejects.toBeInstanceOf(UnavailableError);
    server.reply = (request, socket) =>
      socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: request.id, result: 'back' })}\n`);
    await expect(pool.call('LogInfo', {}, 2000)).resolves.toBe('back');
    expect(server.accepted).toBe(2);
  });

  it('fails fast with 503 while nothing listens, and recovers when the server is back', async () => {
    const port = await freePort();
    pool = makePool(port, 2);
    const started = Date.now();
    await expect(pool.call('LogInfo', {}, 2000)).rejects.toBeInstanceOf(UnavailableError);
    expect(Date.now() - started).toBeLessThan(1000);
    await server.listen(port);
    await expect(pool.call('LogInfo', {}, 2000)).resolves.toMatch(/^ok /);
  });

  it('a corrupt answer stream fails the call with 502 and drops only that connection', async () => {
    const port = await server.listen();
    pool = makePool(port, 1);
    server.reply = (_request, socket) => socket.write('this is not JSON\n');
    await expect(pool.call('LogInfo', {}, 2000)).rejects.toMatchObject({ status: 502 });
    server.reply = (request, socket) =>
      socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: request.id, result: 'fine' })}\n`);
    await expect(pool.call('LogInfo', {}, 2000)).resolves.toBe('fine');
  });

  describe('LoggerRpcClient', () => {
    it('sends LogInfo with name, data and the request id, and answers with the result string', async () => {
      const port = await server.listen();
      pool = makePool(port, 1);
      server.reply = (request, socket) =>
        socket.write(
          `${JSON.stringify({ jsonrpc: '2.0', id: request.id, result: 'Processed payload via RPC: n' })}\n`,
        );
      const client = new LoggerRpcClient(pool, 2000);
      const message = await runWithRequestId('req-123', () =>
        client.write({ name: 'n', data: 'd' }),
      );
      expect(message).toBe('Processed payload via RPC: n');
      expect(server.requests).toEqual([
        { method: 'LogInfo', params: { name: 'n', data: 'd', request_id: 'req-123' } },
      ]);
    });

    it.each([
      [-32602, 'Invalid params: name: must not be empty', 400, 'name: must not be empty'],
      [-32000, 'log store unavailable', 503, 'logger service unavailable'],
      [-32001, 'log store timed out', 504, 'logger service timed out'],
      [-32603, 'Internal error', 502, 'logger service answered with an error'],
    ])('a remote error %i becomes %i', async (code, remoteMessage, status, message) => {
      const port = await server.listen();
      pool = makePool(port, 1);
      server.reply = (request, socket) =>
        socket.write(
          `${JSON.stringify({ jsonrpc: '2.0', id: request.id, error: { code, message: remoteMessage } })}\n`,
        );
      const client = new LoggerRpcClient(pool, 2000);
      await expect(client.write({ name: 'n', data: 'd' })).rejects.toMatchObject({
        status,
        message,
      });
    });
  });
});
