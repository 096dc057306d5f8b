import { NotFoundError, TimeoutError, UnavailableError, ValidationError } from '@ms/service-kit';
import { LOG_DATA_MAX_BYTES } from '@ms/service-kit/contracts';
import { LogEntries, batchSummary } from '../../src/domain/log-entries';
import { InMemoryLogStore, unavailable } from '../support/in-memory-log-store';

function setup() {
  const store = new InMemoryLogStore();
  let tick = 0;
  let ids = 0;
  const entries = new LogEntries(store, {
    now: () => new Date(Date.UTC(2024, 0, 1, 0, 0, tick++)),
    newEventId: () => `generated-${++ids}`,
  });
  return { store, entries };
}

describe('LogEntries.write', () => {
  it('stores name and data with timestamps and a generated event id', async () => {
    const { store, entries } = setup();
    const result = await entries.write({ name: 'event', data: 'hello' });
    expect(result).toEqual({ outcome: 'stored', name: 'event', eventId: 'generated-1' });
    expect(store.documents).toEqual([
      {
        id: expect.any(String),
        name: 'event',
        data: 'hello',
        event_id: 'generated-1',
        created_at: new Date('2024-01-01T00:00:00Z'),
        updated_at: new Date('2024-01-01T00:00:00Z'),
      },
    ]);
  });

  it('keeps a given event id, and reports a second write of it as a duplicate', async () => {
    const { store, entries } = setup();
    await entries.write({ name: 'a', data: '1', event_id: 'msg-1' });
    const again = await entries.write({ name: 'a', data: '1', event_id: 'msg-1' });
    expect(again.outcome).toBe('duplicate');
    expect(store.documents).toHaveLength(1);
  });

  it('trims the name and ignores unknown fields', async () => {
    const { store, entries } = setup();
    await entries.write({ name: '  spaced  ', data: 'x', request_id: 'r-1', admin: true });
    expect(store.documents[0]).not.toHaveProperty('request_id');
    expect(store.documents[0]).not.toHaveProperty('admin');
    expect(store.documents[0]!.name).toBe('spaced');
  });

  it('accepts data of exactly 64 KiB, counted in UTF-8 bytes', async () => {
    const { entries } = setup();
    await expect(
      entries.write({ name: 'n', data: 'x'.repeat(LOG_DATA_MAX_BYTES) }),
    ).resolves.toBeDefined();
    const euro = '€'; // 3 bytes in UTF-8
    await expect(
      entries.write({ name: 'n', data: euro.repeat(Math.floor(LOG_DATA_MAX_BYTES / 3) + 1) }),
    ).rejects.toThrow(/^data: /);
  });

  it.each([
    ['undefined', undefined, /must be an object/],
    ['a string', 'name=x', /must be an object/],
    ['an array', [{ name: 'a', data: 'b' }], /must be an object/],
    ['no name', { data: 'x' }, /^name: is required/],
    ['a numeric name', { name: 7, data: 'x' }, /^name: must be a string/],
    ['an empty name', { name: '', data: 'x' }, /^name: must not be empty/],
    ['a 257-character name', { name: 'n'.repeat(257), data: 'x' }, /^name: must be at most 256/],
    ['no data', { name: 'n' }, /^data: is required/],
    ['null data', { name: 'n', data: null }, /^data: must be a string/],
    [
      'a 129-character event id',
      { name: 'n', data: 'x', event_id: 'e'.repeat(129) },
      /^event_id: /,
    ],
  ])('refuses %s with a ValidationError and stores nothing', async (_, input, message) => {
    const { store, entries } = setup();
    const failure = entries.write(input);
    await expect(failure).rejects.toBeInstanceOf(ValidationError);
    await expect(failure).rejects.toThrow(message);
    expect(store.documents).toHaveLength(0);
  });

  it('lets the store say it is unavailable', async () => {
    const { store, entries } = setup();
    store.failWith = unavailable();
    await expect(entries.write({ name: 'n', data: 'x' })).rejects.toBeInstanceOf(UnavailableError);
  });
});

describe('LogEntries.write, coalesced', () => {
  it('stores concurrent writes in one bulk write; an invalid one fails alone, before queueing', async () => {
    const { store, entries } = setup();
    const writes = [
      entries.write({ name: 'a', data: '1' }),
      entries.write({ name: '', data: '2' }),
      entries.write({ name: 'c', data: '3' }),
      entries.write({ name: 'd', data: '4' }),
    ];
    const settled = await Promise.allSettled(writes);
    expect(settled.map((result) => result.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect((settled[1] as PromiseRejectedResult).reason).toBeInstanceOf(ValidationError);
    expect(store.insertManyCalls).toEqual([3]);
    expect(store.documents.map((document) => document.name)).toEqual(['a', 'c', 'd']);
  });

  it('answers each caller of one bulk write: a repeated event id is a duplicate', async () => {
    const { store, entries } = setup();
    const results = await Promise.all([
      entries.write({ name: 'a', data: '1', event_id: 'msg-1' }),
      entries.write({ name: 'a', data: '1', event_id: 'msg-1' }),
      entries.write({ name: 'b', data: '2' }),
    ]);
    expect(results.map((result) => result.outcome)).toEqual(['stored', 'duplicate', 'stored']);
    expect(store.insertManyCalls).toEqual([3]);
    expect(store.documents).toHaveLength(2);
  });
});

describe('LogEntries.writeMany', () => {
  it('stores valid entries in one call and rejects invalid ones on their own, in order', async () => {
    const { store, entries } = setup();
    const results = await entries.writeMany([
      { name: 'a', data: '1' },
      { name: '', data: '2' },
      'not an object',
      { name: 'b', data: '3', event_id: 'msg-b' },
      { name: 'c', data: 7 },
    ]);
    expect(results).toEqual([
      { status: 'stored' },
      { status: 'rejected', error: 'name: must not be empty' },
      { status: 'rejected', error: 'log entry must be an object with "name" and "data"' },
      { status: 'stored' },
      { status: 'rejected', error: 'data: must be a string' },
    ]);
    expect(store.insertManyCalls).toEqual([2]);
    expect(store.documents.map((document) => document.name)).toEqual(['a', 'b']);
    expect(store.documents[1]!.event_id).toBe('msg-b');
    expect(store.documents[0]!.event_id).toBe('generated-1');
  });

  it('reports event ids already stored, or repeated in the batch, as duplicates', async () => {
    const { store, entries } = setup();
    await entries.write({ name: 'a', data: '1', event_id: 'msg-1' });
    const results = await entries.writeMany([
      { name: 'a', data: '1', event_id: 'msg-1' },
      { name: 'b', data: '2', event_id: 'msg-2' },
      { name: 'b', data: '2', event_id: 'msg-2' },
    ]);
    expect(results.map((result) => result.status)).toEqual(['duplicate', 'stored', 'duplicate']);
    expect(store.documents).toHaveLength(2);
  });

  it('does not call the store when every entry is rejected', async () => {
    const { store, entries } = setup();
    const results = await entries.writeMany([{ name: 'only' }]);
    expect(results).toEqual([{ status: 'rejected', error: 'data: is required' }]);
    expect(store.insertManyCalls).toEqual([]);
  });

  it('fails as a whole when the store is unavailable', async () => {
    const { store, entries } = setup();
    store.failWith = unavailable();
    await expect(entries.writeMany([{ name: 'n', data: 'x' }])).rejects.toBeInstanceOf(
      UnavailableError,
    );
  });

  it('fails with a TimeoutError when the store does not answer in time', async () => {
    const store = new InMemoryLogStore();
    store.insertMany = () => new Promise(() => undefined);
    const entries = new LogEntries(store, { writeTimeoutMs: 20 });
    await expect(entries.writeMany([{ name: 'n', data: 'x' }])).rejects.toBeInstanceOf(
      TimeoutError,
    );
  });

  it('summarises results for the answer message', () => {
    expect(
      batchSummary([
        { status: 'stored' },
        { status: 'duplicate' },
        { status: 'rejected', error: 'x' },
        { status: 'stored' },
      ]),
    ).toBe('2 stored, 1 duplicate, 1 rejected');
  });
});

describe('LogEntries.list', () => {
  it('returns newest first with ISO dates, 50 by default', async () => {
    const { entries } = setup();
    for (let i = 0; i < 60; i++)
      await entries.write({ name: i % 2 ? 'odd' : 'even', data: `${i}` });
    const listed = await entries.list({});
    expect(listed).toHaveLength(50);
    expect(listed[0]).toMatchObject({ data: '59', created_at: '2024-01-01T00:00:59.000Z' });
    expect((await entries.list({ name: 'odd', limit: '2' })).map((e) => e.data)).toEqual([
      '59',
      '57',
    ]);
    expect(await entries.list({ limit: '', name: '' })).toHaveLength(50);
  });

  it.each([
    [{ limit: '0' }, /^limit: must be between 1 and 500/],
    [{ limit: '501' }, /^limit: must be between 1 and 500/],
    [{ limit: '1.5' }, /^limit: must be an integer/],
    [{ limit: 'ten' }, /^limit: must be a number/],
    [{ limit: ['1', '2'] }, /^limit: must be a number/],
    [{ name: ['a', 'b'] }, /^name: must be a string/],
    [{ name: 'n'.repeat(257) }, /^name: must be at most 256/],
  ])('refuses %j', async (query, message) => {
    const { entries } = setup();
    await expect(entries.list(query)).rejects.toThrow(message);
  });
});

describe('LogEntries.get', () => {
  it('returns the entry, refuses malformed ids and reports unknown ones', async () => {
    const { store, entries } = setup();
    await entries.write({ name: 'n', data: 'x' });
    const id = store.documents[0]!.id;
    await expect(entries.get(id)).resolves.toMatchObject({ id, name: 'n', data: 'x' });
    await expect(entries.get('xyz')).rejects.toBeInstanceOf(ValidationError);
    await expect(entries.get('0'.repeat(25))).rejects.toBeInstanceOf(ValidationError);
    await expect(entries.get('f'.repeat(24))).rejects.toBeInstanceOf(NotFoundError);
  });
});
