import { TimeoutError, UnavailableError, type LogWrite } from '@ms/service-kit';
import { type LogStore, RejectedEntryError } from '../../src/domain/log-store';
import { processEvent } from '../../src/domain/process-event';
import { RetryPolicy } from '../../src/domain/retry-policy';

class FakeStore implements LogStore {
  readonly stored: LogWrite[] = [];
  failWith: Error | undefined;

  async store(entry: LogWrite): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.stored.push(entry);
  }
}

const retryPolicy = new RetryPolicy(3, [1000, 5000]);
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('processEvent', () => {
  let store: FakeStore;
  beforeEach(() => {
    store = new FakeStore();
  });

  it('stores a valid event with its messageId as event_id', async () => {
    const outcome = await processEvent(
      { content: json({ name: 'event', data: 'payload' }), messageId: 'm-1', failedAttempts: 0 },
      { store, retryPolicy },
    );
    expect(outcome).toEqual({
      kind: 'stored',
      entry: { name: 'event', data: 'payload', event_id: 'm-1' },
    });
    expect(store.stored).toEqual([{ name: 'event', data: 'payload', event_id: 'm-1' }]);
  });

  it('stores an event without messageId without an event_id', async () => {
    await processEvent(
      { content: json({ name: 'event', data: 'x' }), failedAttempts: 0 },
      { store, retryPolicy },
    );
    expect(store.stored).toEqual([{ name: 'event', data: 'x' }]);
  });

  it('ignores fields other than name and data', async () => {
    await processEvent(
      {
        content: json({ name: 'n', data: 'd', event_id: 'forged' }),
        messageId: 'real',
        failedAttempts: 0,
      },
      { store, retryPolicy },
    );
    expect(store.stored).toEqual([{ name: 'n', data: 'd', event_id: 'real' }]);
  });

  it('dead-letters a body that is not JSON, without calling the store', async () => {
    store.failWith = new Error('must not be called');
    const outcome = await processEvent(
      { content: Buffer.from('{not json'), messageId: 'm', failedAttempts: 0 },
      { store, retryPolicy },
    );
    expect(outcome).toMatchObject({ kind: 'dead', reason: 'invalid_json' });
  });

  it.each([
    ['a missing name', { data: 'x' }, 'name'],
    ['an empty name', { name: ' ', data: 'x' }, 'name'],
    ['a number as data', { name: 'n', data: 42 }, 'data'],
    ['an array', [{ name: 'n', data: 'd' }], 'object'],
    ['null', null, 'object'],
  ])('dead-letters %s as invalid_shape, naming the problem', async (_label, body, mentioned) => {
    const outcome = await processEvent(
      { content: json(body), messageId: 'm', failedAttempts: 0 },
      { store, retryPolicy },
    );
    expect(outcome).toMatchObject({ kind: 'dead', reason: 'invalid_shape' });
    expect(outcome.kind === 'dead' && outcome.error).toContain(mentioned);
    expect(store.stored).toEqual([]);
  });

  it('dead-letters a messageId too long to be an event id', async () => {
    const outcome = await processEvent(
      { content: json({ name: 'n', data: 'd' }), messageId: 'x'.repeat(200), failedAttempts: 0 },
      { store, retryPolicy },
    );
    expect(outcome).toMatchObject({ kind: 'dead', reason: 'invalid_shape' });
  });

  it('dead-letters at once what the store refuses', async () => {
    store.failWith = new RejectedEntryError('logger refused the entry: data: too long');
    const outcome = await processEvent(
      { content: json({ name: 'n', data: 'd' }), messageId: 'm', failedAttempts: 0 },
      { store, retryPolicy },
    );
    expect(outcome).toEqual({
      kind: 'dead',
      reason: 'rejected',
      error: 'logger refused the entry: data: too long',
    });
  });

  it('retries a store failure with growing delays, then dead-letters it', async () => {
    store.failWith = new UnavailableError('logger service unavailable');
    const attempt = (failedAttempts: number) =>
      processEvent(
        { content: json({ name: 'n', data: 'd' }), messageId: 'm', failedAttempts },
        { store, retryPolicy },
      );
    expect(await attempt(0)).toEqual({
      kind: 'retry',
      failedAttempts: 1,
      delayMs: 1000,
      error: 'logger service unavailable',
    });
    expect(await attempt(1)).toMatchObject({ kind: 'retry', failedAttempts: 2, delayMs: 5000 });
    expect(await attempt(2)).toEqual({
      kind: 'dead',
      reason: 'retries_exhausted',
      error: 'logger service unavailable',
    });
  });

  it('treats a timeout like any transient failure', async () => {
    store.failWith = new TimeoutError('logger service timed out');
    const outcome = await processEvent(
      { content: json({ name: 'n', data: 'd' }), messageId: 'm', failedAttempts: 0 },
      { store, retryPolicy },
    );
    expect(outcome).toMatchObject({ kind: 'retry', failedAttempts: 1 });
  });
});
