import bcrypt from 'bcrypt';
import { SEEDED_ADMIN, percentile } from '@ms/testing';
import { serviceOnTestDatabase } from '../support/service-on-test-database';

const BUSY = { error: true, message: 'authentication busy' };

describe('password hashing off the event loop (real Postgres)', () => {
  // The production cost, so that each comparison takes tens of milliseconds of CPU.
  const auth = serviceOnTestDatabase('auth_hashing', {
    BCRYPT_COST: '10',
    BCRYPT_MAX_QUEUE: '100',
    BCRYPT_QUEUE_TIMEOUT_MS: '60000',
    // The failed-login limit counts a login while it is in flight (express-rate-limit
    // takes back successful ones when they finish): 12 at once would exceed 10.
    LOGIN_MAX_FAILURES: '100',
  });

  // A bound for a shared, busy machine: the latency itself belongs to the bench.
  it('answers /healthz quickly while 12 logins are being hashed', async () => {
    let hashing = true;
    const logins = Promise.all(
      Array.from({ length: 12 }, () => auth.login(SEEDED_ADMIN.credentials)),
    ).finally(() => (hashing = false));
    const latencies: number[] = [];
    while (hashing) {
      const started = performance.now();
      await auth.http.get('/healthz').expect(200);
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
  // One comparison at a time, one waiting at most for 300 ms.
  const auth = serviceOnTestDatabase('auth_busy', {
    BCRYPT_THREADS: '1',
    BCRYPT_MAX_QUEUE: '1',
    BCRYPT_QUEUE_TIMEOUT_MS: '300',
  });

  const timedLogin = async () => {
    const started = performance.now();
    const res = await auth.login(SLOW);
    return { status: res.status, body: res.body as unknown, ms: performance.now() - started };
  };

  beforeAll(async () => {
    // Cost 13: one comparison takes well over 300 ms, so the others queue behind it.
    await auth.db.pool.query(
      `INSERT INTO users (email, first_name, last_name, password, user_active)
       VALUES ($1, 'Slow', 'Hash', $2, true)`,
      [SLOW.email, await bcrypt.hash(SLOW.password, 13)],
    );
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
