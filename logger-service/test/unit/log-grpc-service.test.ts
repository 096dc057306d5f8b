import * as grpc from '@grpc/grpc-js';
import { type LogRequest__Output, createLogger } from '@ms/service-kit';
import { LogEntries } from '../../src/domain/log-entries';
import { logServiceHandlers } from '../../src/grpc/log-grpc-service';
import { InMemoryLogStore, unavailable } from '../support/in-memory-log-store';

// The handler with a fake call object: status mapping without a network.
function writeLog(store: InMemoryLogStore, request: LogRequest__Output) {
  const handlers = logServiceHandlers(
    new LogEntries(store),
    createLogger('logger-service', { level: 'silent' }),
  );
  const call = { request, metadata: new grpc.Metadata() };
  return new Promise<{ err: Partial<grpc.StatusObject> | null; value?: unknown }>((resolve) => {
    handlers.WriteLog(call as never, (err, value) => resolve({ err: err as never, value }));
  });
}

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
