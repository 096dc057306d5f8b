import bcrypt from 'bcrypt';
import type { PasswordHasher } from '../domain/passwords';
import { WorkQueue, type WorkQueueOptions } from './work-queue';

/** Native bcrypt: each call runs on a libuv threadpool thread, at most `concurrency` at once. */
export class NativeBcrypt implements PasswordHasher {
  private readonly queue: WorkQueue;

  constructor(
    private readonly cost: number,
    queue: Omit<WorkQueueOptions, 'busyMessage'>,
  ) {
    this.queue = new WorkQueue({ ...queue, busyMessage: 'authentication busy' });
  }

  hash(password: string): Promise<string> {
    return this.queue.run(() => bcrypt.hash(password, this.cost));
  }

  compare(password: string, hash: string): Promise<boolean> {
    return this.queue.run(() => bcrypt.compare(password, hash));
  }

  async close(): Promise<void> {}
}
