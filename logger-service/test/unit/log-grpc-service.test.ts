import * as grpc from '@grpc/grpc-js';
import { TimeoutError, createLogger } from '@ms/service-kit';
import { LOG_BATCH_MAX_ENTRIES } from '@ms/service-kit/contracts';
import { type LogRequest__Output, type LogServiceHandlers } from '@ms/service-kit/grpc';
import { LogEntries } from '../../src/domain/log-entries';
import { logServiceHandlers } from '../../src/grpc/log-grpc-service';
import { InMemoryLogStore, unavailable } from '../support/in-memory-log-store';

type LogBatchRequest__Output = Parameters<LogServiceHandlers['WriteLogs']>[0]['request'];

type Answer = { err: Partial<grpc.StatusObject> | null; value?: unknown };
type UnaryHandler = (call: never, callback: (err: unknown, value?: unknown) => void) => void;

// A handler with a fake call object: status mapping without a network.
function callHandler(
  store: InMemoryLogStore,
  method: 'WriteLog' | 'WriteLogs',
  request: LogRequest__Output | LogBatchRequest__Output,
): Promise<Answer> {
  const handlers = logServiceHandlers(
    new LogEntries(store),
    createLogger('logger-service', { level: 'silent' }),
  );
  const call = { request, metadata: new grpc.Metadata() };
  const handler = handlers[method] as UnaryHandler;
  return new Promise((resolve) => {
    handler(call as never, (err, value) => resolve({ err: err as never, value }));
  });
}

const writeLog = (store: InMemoryLogStore, request: LogRequest__Output) =>
  callHandler(store, 'WriteLog', request);
const writeLogs = (store: InMemoryLogStore, request: LogBatchRequest__Output) =>
  callHandler(store, 'WriteLogs', request);

describe('gRPC WriteLog handler', () => {
  it('answers logged! after storing', async () => {
    const store = new InMemoryLogStore();
    expect(await writeLog(store, { logEntry: { name: 'n', data: 'x' } })).toEqual({
      err: null,
      value: { result: 'logged!' },
    });
    expect(store.documents).toHaveLength(1);
  });

  it.each([
    ['INVALID_ARGUMENT', () => undefined, { logEntry: { name: 'n'.repeat(257), data: 'x' } }],
    ['INVALID_ARGUMENT', () => undefined, { logEntry: null }],
    ['UNAVAILABLE', unavailable, { logEntry: { name: 'n', data: 'x' } }],
    ['INTERNAL', () => new Error('secret detail'), { logEntry: { name: 'n', data: 'x' } }],
  ])('answers %s', async (status, failure, request) => {
    const store = new InMemoryLogStore();
    store.failWith = failure();
    const { err } = await writeLog(store, request);
    expect(grpc.status[err!.code!]).toBe(status);
    expect(err!.details).not.toMatch(/secret/);
  });
});

describe('gRPC WriteLogs handler', () => {
  it('answers one result per entry; eventId "" means none', async () => {
    const store = new InMemoryLogStore();
    const { err, value } = await writeLogs(store, {
      entries: [
        { logEntry: { name: 'a', data: '1' }, eventId: 'msg-1' },
        { logEntry: { name: 'b', data: '2' }, eventId: '' },
        { logEntry: { name: '', data: '3' }, eventId: '' },
        { logEntry: null, eventId: '' },
        { logEntry: { name: 'a', data: '1' }, eventId: 'msg-1' },
      ],
    });
    expect(err).toBeNull();
    expect(value).toEqual({
      results: [
        { status: 'stored', error: '' },
        { status: 'stored', error: '' },
        { status: 'rejected', error: 'name: must not be empty' },
        { status: 'rejected', error: expect.stringMatching(/must be an object/) },
        { status: 'duplicate', error: '' },
      ],
    });
    expect(store.documents.map((document) => document.event_id)).toEqual([
      'msg-1',
      expect.stringMatching(/^[0-9a-f-]{36}$/),
    ]);
  });

  it.each([
    ['INVALID_ARGUMENT', () => undefined, 0],
    ['INVALID_ARGUMENT', () => undefined, LOG_BATCH_MAX_ENTRIES + 1],
    ['UNAVAILABLE', unavailable, 1],
    ['DEADLINE_EXCEEDED', () => new TimeoutError('log store write timed out'), 1],
    ['INTERNAL', () => new Error('secret detail'), 1],
  ])('answers %s (%#)', async (status, failure, size) => {
    const store = new InMemoryLogStore();
    store.failWith = failure();
    const entries = Array.from({ length: size }, () => ({
      logEntry: { name: 'n', data: 'x' },
      eventId: '',
    }));
    const { err } = await writeLogs(store, { entries });
    expect(grpc.status[err!.code!]).toBe(status);
    expect(err!.details).not.toMatch(/secret/);
    expect(store.documents).toHaveLength(0);
  });
});
