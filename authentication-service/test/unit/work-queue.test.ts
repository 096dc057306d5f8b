import { UnavailableError } from '@ms/service-kit';
import { WorkQueue } from '../../src/hashing/work-queue';

/** A task that runs until the test settles it. */
function controllable<T>() {
  let settle!: { resolve(value: T): void; reject(err: Error): void };
  const started = jest.fn();
  const task = () =>
    new Promise<T>((resolve, reject) => {
      started();
      settle = { resolve, reject };
    });
  return { task, started, settle: () => settle };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

function queue(overrides: Partial<ConstructorParameters<typeof WorkQueue>[0]> = {}) {
  return new WorkQueue({
    concurrency: 2,
    maxWaiting: 2,
    maxWaitMs: 60_000,
    busyMessage: 'authentication busy',
    ...overrides,
  });
}

describe('WorkQueue', () => {
  it('runs at most `concurrency` tasks at once and the waiting ones in arrival order', async () => {
    const work = queue();
    const tasks = [controllable<string>(), controllable<string>(), controllable<string>()];
    const results = tasks.map((t) => work.run(t.task));
    await flush();
    expect(tasks.map((t) => t.started.mock.calls.length)).toEqual([1, 1, 0]);
    expect(work.runningCount).toBe(2);
    expect(work.waitingCount).toBe(1);

    tasks[1]!.settle().resolve('second');
    await flush();
    expect(tasks[2]!.started).toHaveBeenCalledTimes(1);
    tasks[0]!.settle().resolve('first');
    tasks[2]!.settle().resolve('third');
    await expect(Promise.all(results)).resolves.toEqual(['first', 'second', 'third']);
    expect(work.runningCount).toBe(0);
  });

  it('refuses a task at once with 503 when `maxWaiting` tasks already wait', async () => {
    const work = queue({ concurrency: 1, maxWaiting: 1 });
    const running = controllable<number>();
    const waiting = controllable<number>();
    const first = work.run(running.task);
    const second = work.run(waiting.task);
    const refused = work.run(async () => 3);

    await expect(refused).rejects.toThrow(UnavailableError);
    await expect(refused).rejects.toMatchObject({ status: 503, message: 'authentication busy' });
    running.settle().resolve(1);
    await flush();
    waiting.settle().resolve(2);
    await expect(Promise.all([first, second])).resolves.toEqual([1, 2]);
  });

  it('refuses every task that would wait when maxWaiting is 0', async () => {
    const work = queue({ concurrency: 1, maxWaiting: 0 });
    const running = controllable<number>();
    const first = work.run(running.task);
    await expect(work.run(async () => 2)).rejects.toMatchObject({ status: 503 });
    running.settle().resolve(1);
    await expect(first).resolves.toBe(1);
  });

  it('gives up on a task that waited longer than maxWaitMs, which then never runs', async () => {
    jest.useFakeTimers();
    try {
      const work = queue({ concurrency: 1, maxWaitMs: 1000 });
      const running = controllable<number>();
      const late = controllable<number>();
      const first = work.run(running.task);
      const second = work.run(late.task);
      const outcome = expect(second).rejects.toMatchObject({
        status: 503,
        message: 'authentication busy',
      });

      jest.advanceTimersByTime(1001);
      await outcome;
      expect(work.waitingCount).toBe(0);
      running.settle().resolve(1);
      await expect(first).resolves.toBe(1);
      expect(late.started).not.toHaveBeenCalled();
      expect(work.runningCount).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('lets a failing task through and still hands its slot on', async () => {
    const work = queue({ concurrency: 1 });
    const failing = controllable<number>();
    const first = work.run(failing.task);
    const second = work.run(async () => 2);
    failing.settle().reject(new Error('worker crashed'));
    await expect(first).rejects.toThrow('worker crashed');
    await expect(second).resolves.toBe(2);
    expect(work.runningCount).toBe(0);
  });

  it('on close refuses waiting and new tasks and resolves once the running ones finish', async () => {
    const work = queue({ concurrency: 1 });
    const running = controllable<number>();
    const first = work.run(running.task);
    const waiting = work.run(async () => 2);
    let closed = false;
    const closing = work.close().then(() => (closed = true));

    await expect(waiting).rejects.toMatchObject({ status: 503 });
    await expect(work.run(async () => 3)).rejects.toMatchObject({ status: 503 });
    await flush();
    expect(closed).toBe(false);
    running.settle().resolve(1);
    await expect(first).resolves.toBe(1);
    await closing;
    expect(closed).toBe(true);
  });

  it('closes at once when nothing runs', async () => {
    await expect(queue().close()).resolves.toBeUndefined();
  });
});
