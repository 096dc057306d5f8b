import { existsSync } from 'node:fs';
import path from 'node:path';
import { Piscina } from 'piscina';
import type { PasswordHasher } from '../domain/passwords';
import type { BcryptTask } from './bcrypt-worker';
import { WorkQueue, type WorkQueueOptions } from './work-queue';

/** The compiled worker beside this file; from source (tsx, jest) the .ts one, through tsx. */
function workerScript(): { filename: string; execArgv: string[] } {
  const compiled = path.join(__dirname, 'bcrypt-worker.js');
  if (existsSync(compiled)) return { filename: compiled, execArgv: [] };
  return {
    filename: path.join(__dirname, 'bcrypt-worker.ts'),
    execArgv: ['--require', require.resolve('tsx/cjs')],
  };
}

/** bcryptjs in `concurrency` worker threads (piscina). */
export class BcryptPool implements PasswordHasher {
  private readonly pool: Piscina<BcryptTask, boolean | string>;
  private readonly queue: WorkQueue;

  constructor(
    private readonly cost: number,
    queue: Omit<WorkQueueOptions, 'busyMessage'>,
    niceIncrement = 0,
  ) {
    this.queue = new WorkQueue({ ...queue, busyMessage: 'authentication busy' });
    this.pool = new Piscina({
      ...workerScript(),
      minThreads: queue.concurrency,
      maxThreads: queue.concurrency,
      idleTimeout: Infinity,
      niceIncrement,
    });
  }

  async hash(password: string): Promise<string> {
    return (await this.run({ op: 'hash', password, cost: this.cost })) as string;
  }

  async compare(password: string, hash: string): Promise<boolean> {
    return (await this.run({ op: 'compare', password, hash })) as boolean;
  }

  close(): Promise<void> {
    return this.pool.close({ force: true });
  }

  private run(task: BcryptTask): Promise<boolean | string> {
    return this.queue.run(() => this.pool.run(task));
  }
}
