import { parseConfig } from '@ms/service-kit';
import { itParsesConfig } from '@ms/testing';
import { availableParallelism } from 'node:os';
import { configSchema, defaultBcryptThreads } from '../../src/config';

describe('config', () => {
  itParsesConfig(configSchema, {
    defaults: {
      PORT: 8081,
      POSTGRES_URL: 'postgres://postgres@127.0.0.1:5432/users',
      LOGGER_SERVICE_URL: 'http://127.0.0.1:8082',
      BCRYPT_COST: 10,
      BCRYPT_THREADS: defaultBcryptThreads(availableParallelism(), 4),
      BCRYPT_MAX_QUEUE: 64,
      BCRYPT_QUEUE_TIMEOUT_MS: 3000,
      LOGIN_MAX_FAILURES: 10,
      LOGIN_FAILURE_WINDOW_MS: 900_000,
      TRUST_PROXY: [],
    },
    refuses: [
      [{ BCRYPT_COST: '3' }, 'BCRYPT_COST'],
      [{ BCRYPT_COST: '16' }, 'BCRYPT_COST'],
      [{ BCRYPT_COST: 'ten' }, 'BCRYPT_COST'],
      [{ BCRYPT_THREADS: '0' }, 'BCRYPT_THREADS'],
      [{ BCRYPT_MAX_QUEUE: '-1' }, 'BCRYPT_MAX_QUEUE'],
      [{ BCRYPT_QUEUE_TIMEOUT_MS: '0' }, 'BCRYPT_QUEUE_TIMEOUT_MS'],
    ],
  });

  it.each([
    [1, 4, 1],
    [2, 4, 2],
    [8, 4, 3],
    [8, 16, 8],
    [4, 1, 1],
  ])(
    'hashes on %i cores with a threadpool of %i on %i threads (one per core, one pool thread left)',
    (cores, threadpool, threads) => {
      expect(defaultBcryptThreads(cores, threadpool)).toBe(threads);
    },
  );

  it('reads BCRYPT_THREADS, and sizes its default from UV_THREADPOOL_SIZE', () => {
    expect(parseConfig(configSchema, { BCRYPT_THREADS: '3' }).BCRYPT_THREADS).toBe(3);
    expect(parseConfig(configSchema, { UV_THREADPOOL_SIZE: '2' }).BCRYPT_THREADS).toBe(1);
  });

  it('allows BCRYPT_MAX_QUEUE=0: no waiting at all', () => {
    expect(parseConfig(configSchema, { BCRYPT_MAX_QUEUE: '0' }).BCRYPT_MAX_QUEUE).toBe(0);
  });

  it('reads a trusted proxy list', () => {
    expect(parseConfig(configSchema, { TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY).toEqual([
      'loopback',
      '10.0.0.0/8',
    ]);
  });
});
