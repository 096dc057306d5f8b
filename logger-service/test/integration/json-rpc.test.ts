import { connect } from 'node:net';
import { LOG_NAME_MAX_LENGTH } from '@ms/service-kit/contracts';
import { uniqueName } from '@ms/testing';

import { JsonRpcTestClient } from '../support/json-rpc-client';
import { listByName, useLoggerWithDatabase } from '../support/logger-under-test';

const system = useLoggerWithDatabase();
let client: JsonRpcTestClient;

beforeAll(async () => {
  client = await JsonRpcTestClient.connect(system.logger.rpcPort);
});

afterAll(() => client?.close());

describe('JSON-RPC LogInfo', () => {
  it('stores an entry that the HTTP listing then returns', async () => {
    const name = uniqueName('rpc');
    const response = await client.call('LogInfo', { name, data: 'hello over JSON-RPC' });
    expect(response).toEqual({
      jsonrpc: '2.0',
      id: expect.any(Number),
      result: `Processed payload via RPC: ${name}`,
    });
    const entries = await listByName(system.logger.baseUrl, name);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ name, data: 'hello over JSON-RPC' });
  });

  it('answers the Go name RPCServer.LogInfo and params given as [entry]', async () => {
    const name = uniqueName('rpc_alias');
    const viaAlias = await client.call('RPCServer.LogInfo', [{ name, data: 'alias' }]);
    expect(viaAlias.result).toBe(`Processed payload via RPC: ${name}`);
    expect(await listByName(system.logger.baseUrl, name)).toHaveLength(1);
  });

  it('carries the request id given in params into the log lines', async () => {
    const requestId = uniqueName('req');
    await client.call('LogInfo', { name: uniqueName('rpc_rid'), data: 'x', request_id: requestId });
    expect(system.logger.logs.withRequestId(requestId)).toContainEqual(
      expect.objectContaining({ msg: 'rpc call', transport: 'json-rpc', method: 'LogInfo' }),
    );
  });

  it('stores an event id sent twice once', async () => {
    const name = uniqueName('rpc_dup');
    const event_id = uniqueName('msg');
    const answers = await Promise.all([
      client.call('LogInfo', { name, data: 'one', event_id }),
      client.call('LogInfo', { name, data: 'two', event_id }),
    ]);
    expect(answers.map((answer) => answer.error)).toEqual([undefined, undefined]);
    expect(await system.database.count({ event_id })).toBe(1);
  });

  it('stores 500 concurrent calls from 10 persistent connections exactly once each', async () => {
    const name = uniqueName('rpc_burst');
    const clients = await Promise.all(
      Array.from({ length: 10 }, () => JsonRpcTestClient.connect(system.logger.rpcPort)),
    );
    try {
      const answers = await Promise.all(
        Array.from({ length: 500 }, (_, i) =>
          clients[i % clients.length]!.call('LogInfo', { name, data: `call ${i}` }),
        ),
      );
      expect(answers.filter((answer) => answer.result !== undefined)).toHaveLength(500);
      expect(clients.every((c) => !c.isClosed)).toBe(true);
    } finally {
      for (const c of clients) c.close();
    }
    expect(await system.database.count({ name })).toBe(500);
    expect(
      new Set((await listByName(system.logger.baseUrl, name)).map((entry) => entry.data)).size,
    ).toBe(500);
  });

  it('answers a notification with nothing but still stores it', async () => {
    const name = uniqueName('rpc_note');
    client.writeLine(
      JSON.stringify({ jsonrpc: '2.0', method: 'LogInfo', params: { name, data: 'n' } }),
    );
    const after = await client.call('LogInfo', { name, data: 'after the notification' });
    expect(after.result).toBeDefined();
    expect(client.unmatched).toEqual([]);
    expect(await system.database.count({ name })).toBe(2);
  });
});

describe('JSON-RPC errors', () => {
  it.each([
    ['an empty name', { name: '', data: 'x' }],
    ['an over-long name', { name: 'n'.repeat(LOG_NAME_MAX_LENGTH + 1), data: 'x' }],
    ['missing data', { name: 'n' }],
    ['a number as data', { name: 'n', data: 42 }],
    ['params that are not an entry', ['a', 'b']],
    ['no params', undefined],
  ])('answers -32602 invalid params to %s and stores nothing', async (_, params) => {
    const before = await system.database.count();
    const response = await client.call('LogInfo', params);
    expect(response.error).toMatchObject({
      code: -32602,
      message: expect.stringMatching(/^Invalid params: /),
    });
    expect(await system.database.count()).toBe(before);
  });

  it('answers -32601 to an unknown method and keeps the connection', async () => {
    const response = await client.call('LogWarning', { name: 'n', data: 'x' });
    expect(response.error).toMatchObject({ code: -32601 });
    expect(
      (await client.call('LogInfo', { name: uniqueName('rpc_ok'), data: 'x' })).result,
    ).toBeDefined();
  });

  it('answers -32600 to JSON that is not a request and keeps the connection', async () => {
    client.writeLine(JSON.stringify({ hello: 'world' }));
    expect(await client.nextUnmatched()).toMatchObject({ id: null, error: { code: -32600 } });
    expect(
      (await client.call('LogInfo', { name: uniqueName('rpc_ok'), data: 'x' })).result,
    ).toBeDefined();
  });

  it('answers garbage with -32700, closes that connection only, and keeps serving', async () => {
    const victim = await JsonRpcTestClient.connect(system.logger.rpcPort);
    victim.writeRaw(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x01, 0x00]));
    expect(await victim.nextUnmatched()).toMatchObject({ id: null, error: { code: -32700 } });
    await victim.closed;

    const broken = await JsonRpcTestClient.connect(system.logger.rpcPort);
    broken.writeLine('{"jsonrpc": "2.0", "method": ');
    expect(await broken.nextUnmatched()).toMatchObject({ error: { code: -32700 } });
    await broken.closed;

    expect(client.isClosed).toBe(false);
    expect(
      (await client.call('LogInfo', { name: uniqueName('rpc_ok'), data: 'x' })).result,
    ).toBeDefined();
    const fresh = await JsonRpcTestClient.connect(system.logger.rpcPort);
    expect(
      (await fresh.call('LogInfo', { name: uniqueName('rpc_ok'), data: 'x' })).result,
    ).toBeDefined();
    fresh.close();
  });

  it('refuses a message over 1 MiB and closes that connection', async () => {
    const victim = await JsonRpcTestClient.connect(system.logger.rpcPort);
    victim.writeRaw(
      `{"jsonrpc":"2.0","id":1,"method":"LogInfo","params":{"name":"n","data":"${'x'.repeat(1024 * 1024)}`,
    );
    expect(await victim.nextUnmatched()).toMatchObject({ error: { code: -32600 } });
    await victim.closed;
  });

  it('answers a request sent by a client that then closes its side (printf | nc)', async () => {
    const name = uniqueName('rpc_halfclose');
    const answer = await new Promise<string>((resolve, reject) => {
      let received = '';
      const socket = connect({ port: system.logger.rpcPort, host: '127.0.0.1' }, () => {
        socket.end(
          JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'LogInfo', params: { name, data: 'x' } }),
        );
      });
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
    });
    expect(JSON.parse(answer)).toEqual({
      jsonrpc: '2.0',
      id: 7,
      result: `Processed payload via RPC: ${name}`,
    });
    expect(answer.endsWith('\n')).toBe(true);
  });
});
