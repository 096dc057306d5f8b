import * as grpc from '@grpc/grpc-js';
import { LOG_BATCH_MAX_ENTRIES } from '@ms/service-kit/contracts';
import { uniqueName } from '@ms/testing';
import { type GrpcTestClient, grpcTestClient } from '../support/grpc-client';
import { listByName, useLoggerWithDatabase } from '../support/logger-under-test';

const system = useLoggerWithDatabase();
let client: GrpcTestClient;

beforeAll(() => {
  client = grpcTestClient(system.logger.grpcPort);
});

afterAll(() => client?.close());

const postBatch = (body: unknown) => system.http.post('/logs/batch').send(body as object);

describe('POST /logs/batch', () => {
  it('stores every entry and answers one result per entry, in order', async () => {
    const name = uniqueName('batch');
    const entries = Array.from({ length: 5 }, (_, i) => ({ name, data: `entry ${i}` }));
    const res = await postBatch({ entries }).expect(200);
    expect(res.body).toEqual({
      error: false,
      message: '5 stored, 0 duplicate, 0 rejected',
      data: { results: Array(5).fill({ status: 'stored' }) },
    });
    // Newest first: same created_at, so the later entry (larger _id) comes first.
    expect((await listByName(system.logger.baseUrl, name)).map((entry) => entry.data)).toEqual([
      'entry 4',
      'entry 3',
      'entry 2',
      'entry 1',
      'entry 0',
    ]);
  });

  it('stores an event id once, within one batch and across batches', async () => {
    const name = uniqueName('batch_dup');
    const first = uniqueName('msg');
    const second = uniqueName('msg');
    const once = await postBatch({
      entries: [
        { name, data: 'first', event_id: first },
        { name, data: 'first again', event_id: first },
        { name, data: 'second', event_id: second },
      ],
    }).expect(200);
    expect(once.body.data.results).toEqual([
      { status: 'stored' },
      { status: 'duplicate' },
      { status: 'stored' },
    ]);

    const third = uniqueName('msg');
    const again = await postBatch({
      entries: [
        { name, data: 'second redelivered', event_id: second },
        { name, data: 'third', event_id: third },
        { name, data: 'first redelivered', event_id: first },
      ],
    }).expect(200);
    expect(again.body).toMatchObject({
      message: '1 stored, 2 duplicate, 0 rejected',
      data: { results: [{ status: 'duplicate' }, { status: 'stored' }, { status: 'duplicate' }] },
    });

    const stored = await listByName(system.logger.baseUrl, name);
    expect(stored.map((entry) => entry.data).sort()).toEqual(['first', 'second', 'third']);
  });

  it('rejects an invalid entry on its own and stores the others', async () => {
    const name = uniqueName('batch_invalid');
    const res = await postBatch({
      entries: [
        { name, data: 'a' },
        { name, data: 'b' },
        { name: '', data: 'c' },
        { name, data: 'd' },
        { name, data: 'e' },
      ],
    }).expect(200);
    expect(res.body).toEqual({
      error: false,
      message: '4 stored, 0 duplicate, 1 rejected',
      data: {
        results: [
          { status: 'stored' },
          { status: 'stored' },
          { status: 'rejected', error: 'name: must not be empty' },
          { status: 'stored' },
          { status: 'stored' },
        ],
      },
    });
    expect(await system.database.count({ name })).toBe(4);
  });

  it(`stores a full batch of ${LOG_BATCH_MAX_ENTRIES} entries, past the 1 MiB default body limit`, async () => {
    const name = uniqueName('batch_full');
    const entries = Array.from({ length: LOG_BATCH_MAX_ENTRIES }, (_, i) => ({
      name,
      data: `entry ${i} ${'x'.repeat(2000)}`,
    }));
    const res = await postBatch({ entries }).expect(200);
    expect(res.body.message).toBe(`${LOG_BATCH_MAX_ENTRIES} stored, 0 duplicate, 0 rejected`);
    expect(await system.database.count({ name })).toBe(LOG_BATCH_MAX_ENTRIES);
  });

  it.each([
    ['no entries', { entries: [] }, /^entries: must not be empty/],
    [
      'too many entries',
      { entries: Array(LOG_BATCH_MAX_ENTRIES + 1).fill({}) },
      /^entries: .*1000/,
    ],
    ['entries not an array', { entries: { name: 'n', data: 'x' } }, /^entries: must be an array/],
    ['no entries field', { name: 'n', data: 'x' }, /^entries: is required/],
    ['a bare array', [{ name: 'n', data: 'x' }], /^body must be an object/],
  ])('answers 400 to %s and stores nothing', async (_, body, message) => {
    const before = await system.database.count();
    const res = await postBatch(body).expect(400);
    expect(res.body).toEqual({ error: true, message: expect.stringMatching(message) });
    expect(await system.database.count()).toBe(before);
  });

  it('answers 413 to a body over the batch limit', async () => {
    const big = 'x'.repeat(60 * 1024);
    const entries = Array.from({ length: 150 }, () => ({ name: 'n', data: big }));
    const res = await postBatch({ entries });
    expect(res.status).toBe(413);
  });
});

describe('gRPC WriteLogs', () => {
  it('stores the batch; eventId "" means none; duplicates and invalid entries per entry', async () => {
    const name = uniqueName('grpc_batch');
    const eventId = uniqueName('msg');
    const response = await client.writeLogs({
      entries: [
        { logEntry: { name, data: 'a' }, eventId },
        { logEntry: { name, data: 'b' } },
        { logEntry: { name, data: 'a again' }, eventId },
        { logEntry: { name: ' ', data: 'c' } },
        { logEntry: { name, data: 'd' }, eventId: '' },
      ],
    });
    expect(response).toEqual({
      results: [
        { status: 'stored', error: '' },
        { status: 'stored', error: '' },
        { status: 'duplicate', error: '' },
        { status: 'rejected', error: 'name: must not be empty' },
        { status: 'stored', error: '' },
      ],
    });
    const stored = await listByName(system.logger.baseUrl, name);
    expect(stored.map((entry) => entry.data)).toEqual(['d', 'b', 'a']);
    expect(stored[2]!.event_id).toBe(eventId);

    const again = await client.writeLogs({ entries: [{ logEntry: { name, data: 'a' }, eventId }] });
    expect(again.results).toEqual([{ status: 'duplicate', error: '' }]);
    expect(await system.database.count({ name })).toBe(3);
  });

  it.each([
    ['an empty batch', 0],
    ['too many entries', LOG_BATCH_MAX_ENTRIES + 1],
  ])('answers INVALID_ARGUMENT to %s', async (_, size) => {
    const entries = Array.from({ length: size }, () => ({ logEntry: { name: 'n', data: 'x' } }));
    const err = (await client
      .writeLogs({ entries })
      .catch((error: grpc.ServiceError) => error)) as grpc.ServiceError;
    expect(grpc.status[err.code]).toBe('INVALID_ARGUMENT');
    expect(err.details).toMatch(/^entries: /);
  });
});
