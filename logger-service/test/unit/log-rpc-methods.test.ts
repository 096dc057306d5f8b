import { createLogger } from '@ms/service-kit';
import { LogEntries } from '../../src/domain/log-entries';
import { createLogRpcServer, jaysonMessageHandler } from '../../src/rpc/log-rpc-methods';
import { InMemoryLogStore, unavailable } from '../support/in-memory-log-store';

function setup() {
  const store = new InMemoryLogStore();
  const logger = createLogger('logger-service', { level: 'silent' });
  const handle = jaysonMessageHandler(createLogRpcServer(new LogEntries(store), logger));
  return { store, handle };
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
    expect(await handle({ method: 'LogInfo', id: 1 })).toMatchObject({
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
