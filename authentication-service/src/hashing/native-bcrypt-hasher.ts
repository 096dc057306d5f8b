import bcrypt from 'bcrypt';
import type { PasswordHasher } from '../domain/passwords';
import { WorkQueue, type WorkQueueOptions } from './work-queue';

export interface NativeBcryptHasherOptions extends Omit<WorkQueueOptions, 'busyMessage'> {
  /** Cost of new hashes; a comparison uses the cost written in the hash. */
  cost: number;
}

/**
 * bcrypt in C (the `bcrypt` package's prebuilt binding): each hash or comparison runs on
 * a thread of libuv's threadpool, off the event loop, at most `concurrency` at once so
 * that the pool keeps threads for file and DNS work. Past the queue's limits a call fails
 * with 503 "authentication busy".
 */
export class NativeBcryptHasher implements PasswordHasher {
  private readonly queue: WorkQueue;

  constructor(private readonly options: NativeBcryptHasherOptions) {
    this.queue = new WorkQueue({ ...options, busyMessage: 'authentication busy' });
  }

  hash(password: string): Promise<string> {
    return this.queue.run(() => bcrypt.hash(password, this.options.cost));
  }

  /** A malformed hash compares false; it does not throw. */
  compare(password: string, hash: string): Promise<boolean> {
    // $2y$ (PHP's crypt_blowfish) is the same algorithm as $2b$; bcryptjs read it, the
    // binding does not.
    const readable = hash.startsWith('$2y$') ? `$2b$${hash.slice(4)}` : hash;
    return this.queue.run(() => bcrypt.compare(password, readable));
  }

  /** Refuses new work and waits for the hashing in progress. */
  close(): Promise<void> {
    return this.queue.close();
  }
}
