import { UnavailableError } from '@ms/service-kit';
import request from 'supertest';
import { Authenticator } from '../../src/domain/authenticator';
import { createAuthHttpApp } from '../../src/http/app';
import type { Request } from 'express';
import {
  type LoginRateLimit,
  loginAttemptKey,
  loginRateLimit,
} from '../../src/http/login-rate-limit';
import {
  FakePasswordHasher,
  FakeUserRepository,
  RecordingAttemptLog,
  testTokenIssuer,
  userRecord,
} from '../support/fakes';
import { silentLogger } from '../support/log-capture';

/** Ada's email and password: the one user of the fake repository. */
const RIGHT = { email: 'ada@example.com', password: 'right-password' };

describe('POST /authenticate handler (fake repository)', () => {
  let users: FakeUserRepository;
  let passwords: FakePasswordHasher;
  let rateLimit: LoginRateLimit;
  let http: ReturnType<typeof request>;

  beforeEach(async () => {
    users = new FakeUserRepository([userRecord()]);
    passwords = new FakePasswordHasher();
    rateLimit = loginRateLimit({ maxFailures: 2, windowMs: 60_000 });
    const authenticator = new Authenticator({
      users,
      passwords,
      attempts: new RecordingAttemptLog(),
      decoyHash: 'hash:decoy',
    });
    http = request(
      createAuthHttpApp({
        logger: silentLogger(),
        authenticator,
        tokens: await testTokenIssuer(),
        rateLimit,
      }),
    );
  });

  afterEach(() => rateLimit.close());

  const login = (body: unknown) => http.post('/authenticate').send(body as object);

  it('answers 202 with the design envelope', async () => {
    const res = await login(RIGHT);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      error: false,
      message: 'Logged in user ada@example.com',
      data: { id: 7, email: 'ada@example.com', active: true },
    });
  });

  it('answers 401 invalid credentials for a wrong password', async () => {
    const res = await login({ email: 'ada@example.com', password: 'nope' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: true, message: 'invalid credentials' });
  });

  it('answers 400 naming the field and never asks the repository', async () => {
    const res = await login({ email: ['ada@example.com'], password: 'x' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: true, message: 'email: must be a string' });
    expect(users.lookups).toEqual([]);
  });

  it('answers 503 "authentication busy" when the hashing queue is full, not counted as a failure', async () => {
    passwords.failWith = new UnavailableError('authentication busy');
    for (let i = 0; i < 3; i++) {
      const res = await login(RIGHT);
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ error: true, message: 'authentication busy' });
    }
    passwords.failWith = undefined;
    await login(RIGHT).expect(202);
  });

  it.each([
    [
      '503 without internal details when the user database is unavailable',
      'users',
      new UnavailableError('user database unavailable', {
        cause: new Error('connect ECONNREFUSED 10.0.0.5:5432'),
      }),
      503,
      'user database unavailable',
    ],
    [
      '500 "internal error" for an unexpected failure, hiding its text',
      'users',
      new Error('syntax error at or near "SELEC"'),
      500,
      'internal error',
    ],
    [
      '500 "internal error" when hashing fails unexpectedly, hiding its text',
      'passwords',
      new Error('Terminating worker thread'),
      500,
      'internal error',
    ],
  ] as const)('answers %s', async (_case, failing, error, status, message) => {
    (failing === 'users' ? users : passwords).failWith = error;
    const res = await login(RIGHT);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error: true, message });
  });

  it('answers 429 with Retry-After past the failure limit', async () => {
    await login({ email: 'ada@example.com', password: 'a' }).expect(401);
    await login({ email: 'ada@example.com', password: 'b' }).expect(401);
    const res = await login(RIGHT);
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(59);
    expect(res.body.error).toBe(true);
  });
});

describe('loginAttemptKey', () => {
  const key = (ip: string | undefined, email: unknown) =>
    loginAttemptKey({ ip, body: { email } } as unknown as Request);

  it('is the client address and the normalised email', () => {
    expect(key('10.1.2.3', ' Admin@Example.com ')).toBe(key('10.1.2.3', 'admin@example.com'));
    expect(key('10.1.2.3', 'a@example.com')).not.toBe(key('10.1.2.4', 'a@example.com'));
    // An IPv4 client seen through a dual-stack socket is the same client as plain IPv4.
    expect(key('::ffff:10.1.2.3', 'a@example.com')).toBe(key('10.1.2.3', 'a@example.com'));
    expect(key(undefined, 42)).toBe('unknown|');
  });

  it('counts an IPv6 client by its /56 network, so changing addresses inside it does not help', () => {
    expect(key('2001:db8:1:2::10', 'a@example.com')).toBe(key('2001:db8:1:2::99', 'a@example.com'));
    expect(key('2001:db8:1:2::10', 'a@example.com')).not.toBe(
      key('2001:db8:2:2::10', 'a@example.com'),
    );
  });
});
