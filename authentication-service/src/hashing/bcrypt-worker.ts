/**
 * Runs in a worker thread of the bcrypt pool (see bcrypt-pool.ts). Synchronous calls:
 * the thread has nothing else to do, and bcryptjs's async form only slices the same
 * work into event-loop turns.
 */
import bcrypt from 'bcryptjs';

export type BcryptTask =
  | { op: 'compare'; password: string; hash: string }
  | { op: 'hash'; password: string; cost: number };

export default function run(task: BcryptTask): boolean | string {
  return task.op === 'compare'
    ? bcrypt.compareSync(task.password, task.hash)
    : bcrypt.hashSync(task.password, task.cost);
}
