import { Writable } from 'node:stream';
import {
  UnavailableError,
  ValidationError,
  createLogger,
  currentRequestId,
  runWithRequestId,
} from '@ms/service-kit';
import { type LogBatchResult, type LogEntry } from '@ms/service-kit/contracts';
import {
  type BatchCapableLogWriter,
  CoalescingLogWriter,
} from '../../src/clients/coalescing-log-writer';

/** A transport that records its calls and answers them when the test says so. */
class RecordingTransport implements BatchCapableLogWriter {
  readonly singles: { entry: LogEntry; requestId?: string }[] = [];
  readonly batches: { entries: LogEntry[]; requestId?: string }[] = [];
  private pending: (() => void)[] = [];
  failWith: Error | undefined;

  write(entry: LogEntry): Promise<string> {
    this.singles.push({ entry, requestId: currentRequestId() });
    return this.answerLater(() => 'logged');
  }

  writeMany(entries: LogEntry[]): Promise<LogBatchResult[]> {
    this.batches.push({ entries, requestId: currentRequestId() });
    return this.answerLater(() =>
      entries.map((entry) =>
        entry.name === 'bad'
          ? { status: 'rejected', error: 'name: is not allowed' }
          : { status: 'stored' },
      ),
    );
  }

  /** Answers every call made so far. */
  answerAll(): void {
    const pending = this.pending;
    this.pending = [];
    for (const answer of pending) answer();
  }

  private answerLater<T>(value: () => T): Promise<T> {
    return new Promise((resolve, reject) => {
      this.pending.push(() => (this.failWith ? reject(this.failWith) : resolve(value())));
    });
  }
}

const lines: { msg: string; [key: string]: unknown }[] = [];
const logger = createLogger('coalescing-test', {
  destination: new Writable({
    write: (chunk, _e, done) => (lines.push(JSON.parse(String(chunk))), done()),
  }),
});

const tick = () => new Promise((resolve) => setImmediate(resolve));

function setup() {
  const transport = new RecordingTransport();
  const writer = new CoalescingLogWriter(transport, {
    target: 'logger service',
    timeoutMs: 2000,
    logger,
  });
  return { transport, writer };
}

describe('CoalescingLogWriter', () => {
  it('sends a lone write as the single call, with its own request id', async () => {
    const { transport, writer } = setup();
    const written = runWithRequestId('req-alone', () => writer.write({ name: 'a', data: '1' }));
    await tick();
    transport.answerAll();
    await expect(written).resolves.toBe('logged');
    expect(transport.singles).toEqual([
      { entry: { name: 'a', data: '1' }, requestId: 'req-alone' },
    ]);
    expect(transport.batches).toHaveLength(0);
  });

  it('sends the writes that arrived during a call as one batch; each caller gets its own answer', async () => {
    const { transport, writer } = setup();
    const first = writer.write({ name: 'first', data: '0' });
    await tick(); // the first goes alone
    const rest = ['ok1', 'bad', 'ok2'].map((name, i) =>
      runWithRequestId(`req-${name}`, () => writer.write({ name, data: String(i) })),
    );
    await tick();
    expect(transport.batches).toHaveLength(0); // waiting for the call in flight
    transport.answerAll();
    await expect(first).resolves.toBe('logged');
    await tick();
    expect(transport.batches).toHaveLength(1);
    expect(transport.batches[0]!.entries.map((entry) => entry.name)).toEqual(['ok1', 'bad', 'ok2']);
    expect(transport.batches[0]!.requestId).toMatch(/^batch-/);
    transport.answerAll();
    const answers = await Promise.allSettled(rest);
    expect(answers[0]).toEqual({ status: 'fulfilled', value: 'logged' });
    expect(answers[2]).toEqual({ status: 'fulfilled', value: 'logged' });
    expect(answers[1]).toMatchObject({ status: 'rejected', reason: expect.any(ValidationError) });
    expect((answers[1] as PromiseRejectedResult).reason.message).toBe('name: is not allowed');
    // The batch's id is tied to the request ids of its writes in the broker's log.
    const line = lines.find((l) => l.batchRequestId === transport.batches[0]!.requestId);
    expect(line).toMatchObject({
      size: 3,
      requestIds: ['req-ok1', 'req-bad', 'req-ok2'],
      // the line is written in the batch's own context, not in one of its requests'
      requestId: transport.batches[0]!.requestId,
    });
  });

  it('fails every caller of a batch whose call failed, and only those', async () => {
    const { transport, writer } = setup();
    const first = writer.write({ name: 'first', data: '0' });
    await tick();
    const batch = [writer.write({ name: 'x', data: '1' }), writer.write({ name: 'y', data: '2' })];
    transport.answerAll();
    await first;
    await tick();
    transport.failWith = new UnavailableError('logger service unavailable');
    transport.answerAll();
    for (const write of batch) await expect(write).rejects.toBeInstanceOf(UnavailableError);
    transport.failWith = undefined;
    const after = writer.write({ name: 'z', data: '3' });
    await tick();
    transport.answerAll();
    await expect(after).resolves.toBe('logged');
  });
});
