import bcrypt from 'bcrypt';
import request from 'supertest';
import type { RunningService } from '@ms/service-kit';
import { start } from '../../src/service';
import { silentLogger } from '../support/log-capture';
import { testConfig } from '../support/test-config';
import { type TestDatabase, createTestDatabase, requirePostgres } from '../support/test-database';

const ADMIN = { email: 'admin@example.com', password: 'verysecret' };
const BUSY = { error: true, message: 'authentication busy' };

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

describe('password hashing off the event loop (real Postgres)', () => {
  let db: TestDatabase;
  let service: RunningService;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    await requirePostgres();
    db = await createTestDatabase('auth_hashing');
    // The production cost, so that each comparison takes tens of milliseconds of CPU.
    service = await start(
      await testConfig(db.url, {
        BCRYPT_COST: '10',
        BCRYPT_MAX_QUEUE: '100',
        BCRYPT_QUEUE_TIMEOUT_MS: '60000',
        // The failed-login limit counts a login while it is in flight (express-rate-limit
        // takes back successful ones when they finish): 12 at once would exceed 10.
        LOGIN_MAX_FAILURES: '100',
      }),
      { logger: silentLogger() },
    );
    http = request(`http://127.0.0.1:${service.port}`);
  });

  afterAll(async () => {
    await service?.stop();
    await db?.drop();
  });

  // A bound for a shared, busy machine: the latency itself belongs to the bench.
  it('answers /healthz quickly while 12 logins are being hashed', async () => {
    let hashing = true;
    const logins = Promise.all(
      Array.from({ length: 12 }, () => http.post('/authenticate').send(ADMIN)),
    ).finally(() => (hashing = false));
    const latencies: number[] = [];
    while (hashing) {
      const started = performance.now();
      await http.get('/healthz').expect(200);
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    expect((await logins).map((res) => res.status)).toEqual(Array(12).fill(202));
    expect(latencies.length).toBeGreaterThanOrEqual(3);
    expect(percentile(latencies, 90)).toBeLessThan(200);
  });
});

describe('a full hashing queue answers 503 at once (real Postgres)', () => {
  const SLOW = { email: 'slow@example.com', password: 'slow-password' };
  let db: TestDatabase;
  let service: RunningService;
  let http: ReturnType<typeof request>;

  const timedLogin = async () => {
    const started = performance.now();
    const res = await http.post('/authenticate').send(SLOW);
    return { status: res.status, body: res.body as unknown, ms: performance.now() - started };
  };

  beforeAll(async () => {
    await requirePostgres();
    db = await createTestDatabase('auth_busy');
    // One comparison at a time, one waiting at most for 300 ms.
    service = await start(
      await testConfig(db.url, {
        BCRYPT_THREADS: '1',
        BCRYPT_MAX_QUEUE: '1',
        BCRYPT_QUEUE_TIMEOUT_MS: '300',
      }),
      { logger: silentLogger() },
    );
    http = request(`http://127.0.0.1:${service.port}`);
    // Cost 13: one comparison takes well over 300 ms, so the others queue behind it.
    await db.pool.query(
      `INSERT INTO users (email, first_name, last_name, password, user_active)
       VALUES ($1, 'Slow', 'Hash', $2, true)`,
      [SLOW.email, await bcrypt.hash(SLOW.password, 13)],
    );
  });

  afterAll(async () => {
    await service?.stop();
    await db?.drop();
  });

  it('refuses past the queue at once, the waiting one after its wait, and serves the first', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, timedLogin));
    const served = results.filter((r) => r.status === 202);
    const refused = results.filter((r) => r.status === 503);

    expect(served).toHaveLength(1);
    expect(refused).toHaveLength(3);
    for (const r of refused) expect(r.body).toEqual(BUSY);
    // Two refused before any hashing (queue full), one after waiting 300 ms for its turn.
    const refusedMs = refused.map((r) => r.ms).sort((a, b) => a - b);
    expect(refusedMs[1]!).toBeLessThan(served[0]!.ms);
    expect(refusedMs[2]!).toBeGreaterThanOrEqual(290);
  });

  it('serves again once the queue has drained', async () => {
    const res = await timedLogin();
    expect(res.status).toBe(202);
  });
});
