import { eventually } from '@ms/testing';
import { serviceOnTestDatabase } from '../support/service-on-test-database';

const MAX_FAILURES = 3;
const WINDOW_MS = 2000;

describe('login rate limit (real Postgres)', () => {
  const auth = serviceOnTestDatabase('auth_ratelimit', {
    LOGIN_MAX_FAILURES: String(MAX_FAILURES),
    LOGIN_FAILURE_WINDOW_MS: String(WINDOW_MS),
  });

  const login = (email: string, password: string) => auth.login({ email, password });
  const fail = async (email: string, times: number) => {
    for (let i = 0; i < times; i++) expect((await login(email, `wrong${i}`)).status).toBe(401);
  };

  it('answers 429 with Retry-After once the failures for one email reach the limit, then resets', async () => {
    await fail('admin@example.com', MAX_FAILURES);

    const blocked = await login('admin@example.com', 'wrong-again');
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual({
      error: true,
      message: 'too many failed login attempts, try again later',
    });
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil(WINDOW_MS / 1000));

    // The right password does not get through a block either, and the email's case does not matter.
    expect((await login('ADMIN@example.com', 'verysecret')).status).toBe(429);
    // Another email from the same client is not blocked.
    expect((await login('someone@example.com', 'x')).status).toBe(401);

    // When the window ends the right password works again.
    await eventually(async () => (await login('admin@example.com', 'verysecret')).status === 202, {
      timeoutMs: WINDOW_MS * 3,
      intervalMs: 200,
    });
  });

  it('forgets earlier failures after a successful login', async () => {
    await fail('admin@example.com', MAX_FAILURES - 1);
    expect((await login('admin@example.com', 'verysecret')).status).toBe(202);
    await fail('admin@example.com', MAX_FAILURES - 1);
    expect((await login('admin@example.com', 'verysecret')).status).toBe(202);
  });

  it('does not count bad input as a failed login', async () => {
    for (let i = 0; i < MAX_FAILURES + 2; i++) {
      expect((await auth.login({ email: 'new@example.com' })).status).toBe(400);
    }
    expect((await login('new@example.com', 'x')).status).toBe(401);
  });
});
