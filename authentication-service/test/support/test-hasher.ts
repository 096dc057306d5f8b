import { NativeBcryptHasher } from '../../src/hashing/native-bcrypt-hasher';

/**
 * The service's bcrypt hasher at the lowest cost, for the tests of the enclosing describe:
 * its worker threads are closed after them.
 */
export function testHasher(): NativeBcryptHasher {
  const hasher = new NativeBcryptHasher({
    cost: 4,
    concurrency: 2,
    maxWaiting: 10,
    maxWaitMs: 10_000,
  });
  afterAll(() => hasher.close());
  return hasher;
}
