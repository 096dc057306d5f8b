import { Writable } from 'node:stream';
import {
  TimeoutError,
  backoffDelay,
  createLogger,
  errorSummary,
  retry,
  waitForDependency,
  withTimeout,
} from '../src';

describe('backoffDelay', () => {
  it('grows exponentially with jitter and is capped', () => {
    for (let i = 0; i < 50; i++) {
      const first = backoffDelay(1, { initialDelayMs: 100 });
      expect(first).toBeGreaterThanOrEqual(50);
      expect(first).toBeLessThanOrEqual(100);
      const fourth = backoffDelay(4, { initialDelayMs: 100 });
      expect(fourth).toBeGreaterThanOrEqual(400);
      expect(fourth).toBeLessThanOrEqual(800);
      expect(backoffDelay(40, { initialDelayMs: 100, maxDelayMs: 1000 })).toBeLessThanOrEqual(1000);
    }
  });

  it('draws different delays (jitter)', () => {
    const delays = new Set(
      Array.from({ length: 20 }, () => backoffDelay(6, { initialDelayMs: 100 })),
    );
    expect(delays.size).toBeGreaterThan(1);
  });
});

describe('retry', () => {
  it('retries until the work succeeds and logs each failed attempt', async () => {
    const lines: string[] = [];
    const logger = createLogger('test', {
      destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }),
    });
    let calls = 0;
    const result = await waitForDependency(
      'postgres',
      async () => {
        calls++;
        if (calls < 3) throw Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' });
        return 'connected';
      },
      { logger, initialDelayMs: 5 },
    );
    expect(result).toBe('connected');
    expect(calls).toBe(3);
    const logged = lines.map((l) => JSON.parse(l));
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({
      level: 'warn',
      attempt: 1,
      err: 'ECONNREFUSED: connect refused',
    });
    expect(logged[1].msg).toMatch(/postgres not available yet \(attempt 2\)/);
  });

  it('gives up after maxAttempts with the last error', async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new Error(`fail ${calls}`);
        },
        { name: 'x', maxAttempts: 3, initialDelayMs: 1 },
      ),
    ).rejects.toThrow('fail 3');
    expect(calls).toBe(3);
  });

  it('stops waiting when its signal aborts', async () => {
    const controller = new AbortController();
    const pending = retry(
      async () => {
        throw new Error('down');
      },
      { name: 'x', initialDelayMs: 10_000, signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toThrow(/abort/i);
  });
});

describe('withTimeout', () => {
  it('returns the value of work that finishes in time', async () => {
    await expect(withTimeout(async () => 42, 100, 'work')).resolves.toBe(42);
  });

  it('rejects with a 504 TimeoutError and aborts the work', async () => {
    let aborted = false;
    const work = (signal: AbortSignal) =>
      new Promise((resolve) => {
        signal.addEventListener('abort', () => {
          aborted = true;
          resolve('late');
        });
      });
    const err = await withTimeout(work, 20, 'smtp send').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ status: 504, message: 'smtp send timed out after 20 ms' });
    expect(aborted).toBe(true);
  });
});

describe('errorSummary', () => {
  it('puts a system error code in front of the message, once', () => {
    const refused = Object.assign(new Error('connect refused 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    expect(errorSummary(refused)).toBe('ECONNREFUSED: connect refused 127.0.0.1:5432');
    // as node:fs words it (the message already starts with the code)
    const missing = Object.assign(
      new Error("ENOENT: no such file or directory, open '/no/such/file.sql'"),
      { code: 'ENOENT' },
    );
    expect(errorSummary(missing)).toBe(
      "ENOENT: no such file or directory, open '/no/such/file.sql'",
    );
    expect(errorSummary('plain')).toBe('plain');
  });
});
