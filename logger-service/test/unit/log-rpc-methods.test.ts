import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createLogger } from '@ms/service-kit';
import { GOB_TYPE, type GobRpcRequest } from '@ms/service-kit/gob';
import { LogEntries } from '../../src/domain/log-entries';
import { logRpcHandlers } from '../../src/rpc/log-rpc-methods';
import { InMemoryLogStore, unavailable } from '../support/in-memory-log-store';

function setup() {
  const store = new InMemoryLogStore();
  const logger = createLogger('logger-service', { level: 'silent' });
  const handlers = logRpcHandlers(new LogEntries(store), logger);
  const handle = handlers.json;
  return { store, handle, handlers };
}

const call = (method: string, params?: unknown, id: number | null = 1) => ({
  jsonrpc: '2.0',
  id,
  method,
  ...(params === undefined ? {} : { params }),
});

describe('JSON-RPC methods', () => {
  it.each(['LogInfo', 'RPCServer.LogInfo'])(
    '%s stores the entry and answers like the original',
    async (method) => {
      const { store, handle } = setup();
      const response = await handle(call(method, { name: 'event', data: 'x' }));
      expect(response).toEqual({
        jsonrpc: '2.0',
        id: 1,
        result: 'Processed payload via RPC: event',
      });
      expect(store.documents).toHaveLength(1);
    },
  );

  it('accepts the entry wrapped in a one-element array', async () => {
    const { store, handle } = setup();
    await handle(call('LogInfo', [{ name: 'event', data: 'x' }]));
    expect(store.documents).toHaveLength(1);
  });

  it.each([
    ['no params', undefined],
    ['an empty name', { name: '', data: 'x' }],
    [
      'two entries',
      [
        { name: 'a', data: 'x' },
        { name: 'b', data: 'y' },
      ],
    ],
    ['a string', ['just a string']],
  ])('answers -32602 to %s', async (_, params) => {
    const { store, handle } = setup();
    const response = await handle(call('LogInfo', params));
    expect(response).toMatchObject({
      id: 1,
      error: { code: -32602, message: expect.stringMatching(/^Invalid params: /) },
    });
    expect(store.documents).toHaveLength(0);
  });

  it('answers -32601 to an unknown method', async () => {
    const { handle } = setup();
    expect(await handle(call('rpc.discover'))).toMatchObject({ error: { code: -32601 } });
  });

  it('answers -32600 to a message that is not a JSON-RPC 2.0 request', async () => {
    const { handle } = setup();
    expect(await handle({ params: { name: 'n', data: 'x' }, id: 1 })).toMatchObject({
      id: null,
      error: { code: -32600 },
    });
    expect(await handle(42)).toMatchObject({ error: { code: -32600 } });
    const quoted = JSON.stringify(call('LogInfo', { name: 'n', data: 'x' }));
    expect(await handle(quoted)).toMatchObject({ id: null, error: { code: -32600 } });
  });

  it('answers -32000 when the store is unavailable, -32603 without details for anything else', async () => {
    const { store, handle } = setup();
    store.failWith = unavailable();
    expect(await handle(call('LogInfo', { name: 'n', data: 'x' }))).toMatchObject({
      error: { code: -32000, message: 'log store unavailable' },
    });
    store.failWith = new Error('connection string mongodb://admin:secret@db');
    expect(await handle(call('LogInfo', { name: 'n', data: 'x' }))).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32603, message: 'Internal error' },
    });
  });

  it('answers nothing to a notification, and a batch with one response per call', async () => {
    const { store, handle } = setup();
    const notification = { jsonrpc: '2.0', method: 'LogInfo', params: { name: 'n', data: 'x' } };
    expect(await handle(notification)).toBeUndefined();
    const batch = await handle([
      call('LogInfo', { name: 'a', data: 'x' }, 1),
      call('LogInfo', { name: '', data: 'x' }, 2),
      notification,
    ]);
    expect(batch).toEqual([
      { jsonrpc: '2.0', id: 1, result: 'Processed payload via RPC: a' },
      expect.objectContaining({ id: 2, error: expect.objectContaining({ code: -32602 }) }),
    ]);
    expect(store.documents).toHaveLength(3);
  });
});

// What Go's net/rpc/jsonrpc client sent and Go's server answered (go-rpc-peer record).
const goStreams = path.join(__dirname, '../../../packages/testing/go-rpc-peer/streams');
const goLines = (file: string) =>
  readFileSync(path.join(goStreams, file), 'utf8').split('\n').filter(Boolean);

describe('JSON-RPC 1.0 (Go net/rpc/jsonrpc)', () => {
  it('answers the Go client the way the Go server did, and stores Name/Data', async () => {
    const { store, handle } = setup();
    const [first, , , unknown] = goLines('jsonrpc-client-to-server.bin');
    const goAnswers = goLines('jsonrpc-server-to-client.bin');
    expect(JSON.stringify(await handle(JSON.parse(first!)))).toBe(goAnswers[0]);
    expect(JSON.stringify(await handle(JSON.parse(unknown!)))).toBe(goAnswers[3]);
    expect(store.documents).toEqual([
      expect.objectContaining({ name: 'first', data: 'hello from Go' }),
    ]);
  });

  it('accepts lower-case members, params as an object, and any id', async () => {
    const { store, handle } = setup();
    expect(
      await handle({ method: 'LogInfo', params: { name: 'n', data: 'x' }, id: 'abc' }),
    ).toEqual({
      id: 'abc',
      result: 'Processed payload via RPC: n',
      error: null,
    });
    expect(store.documents).toHaveLength(1);
  });

  it('answers an invalid entry with an error string and a null result', async () => {
    const { store, handle } = setup();
    expect(
      await handle({ method: 'RPCServer.LogInfo', params: [{ Name: '', Data: 'x' }], id: 3 }),
    ).toEqual({
      id: 3,
      result: null,
      error: expect.stringMatching(/^Invalid params: name/),
    });
    expect(store.documents).toHaveLength(0);
  });
});

describe('Go net/rpc (gob) calls', () => {
  const request = (serviceMethod: string, fields: Record<string, string>): GobRpcRequest => ({
    serviceMethod,
    seq: 7n,
    body: {
      kind: 'struct',
      type: {
        name: 'RPCPayload',
        fields: Object.keys(fields).map((name) => ({ name, typeId: GOB_TYPE.string })),
      },
      fields: new Map(Object.entries(fields)),
    },
  });

  it('stores RPCPayload{Name, Data} and replies like the original', async () => {
    const { store, handlers } = setup();
    expect(await handlers.gob(request('RPCServer.LogInfo', { Name: 'go', Data: 'd' }))).toEqual({
      reply: 'Processed payload via RPC: go',
    });
    expect(store.documents).toEqual([expect.objectContaining({ name: 'go', data: 'd' })]);
  });

  it('answers an unknown method, an invalid entry and a body that is not a struct with an error', async () => {
    const { store, handlers } = setup();
    expect(await handlers.gob(request('RPCServer.LogWarning', { Name: 'go', Data: 'd' }))).toEqual({
      error: "rpc: can't find method RPCServer.LogWarning",
    });
    expect(await handlers.gob(request('LogInfo', { Name: 'go' }))).toEqual({
      error: expect.stringMatching(/^Invalid params: data/),
    });
    expect(
      await handlers.gob({
        serviceMethod: 'LogInfo',
        seq: 1n,
        body: { kind: 'scalar', typeId: GOB_TYPE.string, value: 'x' },
      }),
    ).toEqual({ error: expect.stringMatching(/^Invalid params: /) });
    store.failWith = unavailable();
    expect(await handlers.gob(request('LogInfo', { Name: 'go', Data: 'd' }))).toEqual({
      error: 'log store unavailable',
    });
    expect(store.documents).toHaveLength(0);
  });
});
