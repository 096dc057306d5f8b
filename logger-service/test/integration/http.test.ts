import {
  LOG_DATA_MAX_BYTES,
  LOG_NAME_MAX_LENGTH,
  type StoredLogEntry,
} from '@ms/service-kit/contracts';
import { uniqueName } from '@ms/testing';
import { listByName, useLoggerWithDatabase } from '../support/logger-under-test';

const system = useLoggerWithDatabase();

const post = (body: unknown) => system.http.post('/log').send(body as object);

describe('POST /log', () => {
  it('stores an entry that GET /logs then returns', async () => {
    const name = uniqueName('http');
    const res = await post({ name, data: 'hello over HTTP' }).expect(202);
    expect(res.body).toEqual({ error: false, message: 'logged' });

    const entries = await listByName(system.logger.baseUrl, name);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ name, data: 'hello over HTTP' });
    expect(entries[0]!.event_id).toEqual(expect.any(String));
    expect(new Date(entries[0]!.created_at).toISOString()).toBe(entries[0]!.created_at);
  });

  it('keeps the event id it is given and stores a redelivered event once', async () => {
    const name = uniqueName('http_dup');
    const event_id = uniqueName('msg');
    await post({ name, data: 'first delivery', event_id }).expect(202);
    await post({ name, data: 'redelivery', event_id }).expect(202);
    await Promise.all(
      Array.from({ length: 10 }, () => post({ name, data: 'storm', event_id }).expect(202)),
    );

    const entries = await listByName(system.logger.baseUrl, name);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ event_id, data: 'first delivery' });
  });

  it('stores 500 concurrent writes exactly once each', async () => {
    const name = uniqueName('http_burst');
    const responses = await Promise.all(
      Array.from({ length: 500 }, (_, i) => post({ name, data: `write ${i}` })),
    );
    expect(responses.map((res) => res.status)).toEqual(Array(500).fill(202));

    expect(await system.database.count({ name })).toBe(500);
    const stored = await listByName(system.logger.baseUrl, name, 500);
    expect(new Set(stored.map((entry) => entry.data)).size).toBe(500);
  });

  const badBodies: [string, unknown, RegExp][] = [
    ['missing name', { data: 'x' }, /^name: is required/],
    ['empty name', { name: '   ', data: 'x' }, /^name: must not be empty/],
    ['over-long name', { name: 'n'.repeat(LOG_NAME_MAX_LENGTH + 1), data: 'x' }, /^name: .*256/],
    ['missing data', { name: 'n' }, /^data: is required/],
    ['non-string data', { name: 'n', data: { nested: true } }, /^data: must be a string/],
    ['over-long data', { name: 'n', data: 'd'.repeat(LOG_DATA_MAX_BYTES + 1) }, /^data: .*65536/],
    ['empty event id', { name: 'n', data: 'x', event_id: '' }, /^event_id: /],
    ['an array', [{ name: 'n', data: 'x' }], /must be an object/],
  ];

  it.each(badBodies)(
    'answers 400 naming the field for %s, and stores nothing',
    async (_, body, message) => {
      const before = await system.database.count();
      const res = await post(body).expect(400);
      expect(res.body).toEqual({ error: true, message: expect.stringMatching(message) });
      expect(await system.database.count()).toBe(before);
    },
  );

  it('answers 400 to malformed JSON and 415 to a body that is not JSON', async () => {
    const before = await system.database.count();
    await system.http
      .post('/log')
      .set('Content-Type', 'application/json')
      .send('{"name": "x",')
      .expect(400);
    await system.http
      .post('/log')
      .set('Content-Type', 'text/plain')
      .send('name=x&data=y')
      .expect(415);
    expect(await system.database.count()).toBe(before);
  });
});

describe('GET /logs', () => {
  it('lists newest first, 50 by default, at most the limit asked for', async () => {
    const name = uniqueName('http_list');
    for (let i = 0; i < 55; i++) await post({ name, data: `entry ${i}` }).expect(202);

    const res = await system.http.get('/logs').query({ name }).expect(200);
    expect(res.body).toMatchObject({ error: false, message: 'logs' });
    const data = (res.body as { data: StoredLogEntry[] }).data;
    expect(data).toHaveLength(50);
    expect(data[0]!.data).toBe('entry 54');
    expect(data[49]!.data).toBe('entry 5');

    const three = await listByName(system.logger.baseUrl, name, 3);
    expect(three.map((entry) => entry.data)).toEqual(['entry 54', 'entry 53', 'entry 52']);
  });

  it.each([
    ['limit=0', { limit: '0' }, /^limit: /],
    ['limit=501', { limit: '501' }, /^limit: /],
    ['limit=abc', { limit: 'abc' }, /^limit: /],
    ['limit=2.5', { limit: '2.5' }, /^limit: /],
    ['an over-long name', { name: 'n'.repeat(LOG_NAME_MAX_LENGTH + 1) }, /^name: /],
  ])('answers 400 to %s', async (_, query, message) => {
    const res = await system.http.get('/logs').query(query).expect(400);
    expect(res.body).toEqual({ error: true, message: expect.stringMatching(message) });
  });
});

describe('GET /logs/:id', () => {
  it('returns one stored entry', async () => {
    const name = uniqueName('http_one');
    await post({ name, data: 'find me' }).expect(202);
    const [listed] = await listByName(system.logger.baseUrl, name);

    const res = await system.http.get(`/logs/${listed!.id}`).expect(200);
    expect(res.body).toEqual({ error: false, message: 'log entry', data: listed });
  });

  it('answers 400 to a malformed id and 404 to an unknown one', async () => {
    const malformed = await system.http.get('/logs/not-an-id').expect(400);
    expect(malformed.body).toEqual({ error: true, message: expect.stringMatching(/^id: /) });
    const missing = await system.http.get('/logs/0123456789abcdef01234567').expect(404);
    expect(missing.body).toEqual({ error: true, message: 'log entry not found' });
  });
});

describe('health', () => {
  it('is ready when MongoDB answers', async () => {
    const res = await system.http.get('/readyz').expect(200);
    expect(res.body).toEqual({
      error: false,
      message: 'ready',
      data: { checks: { mongodb: 'ok' } },
    });
  });
});
