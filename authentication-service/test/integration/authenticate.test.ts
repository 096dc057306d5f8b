import bcrypt from 'bcryptjs';
import { SEEDED_ADMIN, eventually } from '@ms/testing';
import { FakeLoggerService } from '../support/fake-logger-service';
import { serviceOnTestDatabase } from '../support/service-on-test-database';

const INVALID = { error: true, message: 'invalid credentials' };

describe('POST /authenticate (real Postgres)', () => {
  const loggerService = new FakeLoggerService();
  beforeAll(() => loggerService.start());
  const auth = serviceOnTestDatabase('auth_login', () => ({
    LOGGER_SERVICE_URL: loggerService.url,
  }));
  afterAll(() => loggerService.stop());
  const { login } = auth;

  beforeAll(async () => {
    const inactiveHash = await bcrypt.hash('inactivepass', 4);
    await auth.db.pool.query(
      `INSERT INTO users (email, first_name, last_name, password, user_active)
       VALUES ('sleeper@example.com', 'Sleepy', 'User', $1, false)`,
      [inactiveHash],
    );
  });

  it('logs in the seeded admin: 202 with the user and nothing secret', async () => {
    const res = await login(SEEDED_ADMIN.credentials);

    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      error: false,
      message: 'Logged in user admin@example.com',
      data: {
        id: expect.any(Number),
        ...SEEDED_ADMIN.user,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        // The access token joins the user's fields; every older field keeps its place.
        access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        token_type: 'Bearer',
        expires_in: 900,
      },
    });
    expect(res.text).not.toMatch(/\$2[aby]\$|password|user_active/);
  });

  it('finds the email whatever its case and surrounding spaces', async () => {
    const res = await login({ email: '  Admin@Example.COM ', password: 'verysecret' });
    expect(res.status).toBe(202);
    expect(res.body.data.email).toBe('admin@example.com');
  });

  it.each([
    ['wrong password', { email: 'admin@example.com', password: 'verysecreT' }],
    ['unknown email', { email: 'nobody@example.com', password: 'verysecret' }],
    [
      'inactive user with the right password',
      { email: 'sleeper@example.com', password: 'inactivepass' },
    ],
  ])('%s: the same 401', async (_case, body) => {
    const res = await login(body);
    expect(res.status).toBe(401);
    expect(res.body).toEqual(INVALID);
  });

  it.each([
    { email: "' OR 1=1 --", password: 'x' },
    { email: "admin@example.com' --", password: 'x' },
    { email: "admin@example.com' OR '1'='1", password: "' OR '1'='1" },
    { email: 'admin@example.com', password: "' OR 1=1 --" },
    { email: "'; DROP TABLE users; --", password: 'x' },
  ])('injection attempt %j is just wrong credentials', async (body) => {
    const res = await login(body);
    expect(res.status).toBe(401);
    expect(res.body).toEqual(INVALID);
    const { rows } = await auth.db.pool.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM users',
    );
    expect(rows[0]?.count).toBe(2);
  });

  it.each([
    ['missing email', { password: 'x' }, 'email: is required'],
    ['missing password', { email: 'a@b.c' }, 'password: is required'],
    ['email a number', { email: 42, password: 'x' }, 'email: must be a string'],
    ['email an object', { email: { $ne: '' }, password: 'x' }, 'email: must be a string'],
    ['password an object', { email: 'a@b.c', password: { $gt: '' } }, 'password: must be a string'],
    ['password an array', { email: 'a@b.c', password: ['x'] }, 'password: must be a string'],
    ['password null', { email: 'a@b.c', password: null }, 'password: must be a string'],
    ['empty email', { email: '   ', password: 'x' }, 'email: must not be empty'],
    ['empty password', { email: 'a@b.c', password: '' }, 'password: must not be empty'],
    [
      'over-long email',
      { email: `${'a'.repeat(250)}@b.cd`, password: 'x' },
      'email: must be at most 254 characters',
    ],
    [
      'over-long password',
      { email: 'a@b.c', password: 'p'.repeat(73) },
      'password: must be at most 72 bytes',
    ],
    ['a JSON array body', [{ email: 'a@b.c', password: 'x' }], 'body must be a JSON object'],
  ])('%s: 400 naming the field', async (_case, body, message) => {
    const res = await login(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: true, message });
  });

  it.each([
    [
      'malformed JSON with 400',
      'application/json',
      '{"email": "admin@example.com", "password": ',
      400,
      { error: true, message: 'malformed JSON body' },
    ],
    [
      'a body over 1 MiB with 413',
      'application/json',
      JSON.stringify({ email: 'a@b.c', password: 'x', padding: 'x'.repeat(1024 * 1024) }),
      413,
      expect.objectContaining({ error: true }),
    ],
    [
      'a body that is not JSON with 415',
      'text/plain',
      'email=admin@example.com',
      415,
      expect.anything(),
    ],
  ])('answers %s', async (_case, contentType, body, status, answer) => {
    const res = await auth.http.post('/authenticate').set('content-type', contentType).send(body);
    expect(res.status).toBe(status);
    expect(res.body).toEqual(answer);
  });

  it('lets a person who mistypes a few times in (default limits)', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await login({ email: 'admin@example.com', password: `typo${i}` })).status).toBe(401);
    }
    expect((await login(SEEDED_ADMIN.credentials)).status).toBe(202);
  });

  it('writes each attempt to the logger-service with the request id', async () => {
    await auth.http
      .post('/authenticate')
      .set('x-request-id', 'login-ok-1')
      .send(SEEDED_ADMIN.credentials)
      .expect(202);
    await auth.http
      .post('/authenticate')
      .set('x-request-id', 'login-bad-1')
      .send({ email: 'ghost@example.com', password: 'nope' })
      .expect(401);

    const ok = await eventually(() =>
      loggerService.received.find((r) => r.requestId === 'login-ok-1'),
    );
    const bad = await eventually(() =>
      loggerService.received.find((r) => r.requestId === 'login-bad-1'),
    );
    expect(ok.body).toEqual({ name: 'authentication', data: 'valid login for admin@example.com' });
    expect(bad.body).toEqual({
      name: 'authentication',
      data: 'invalid login for ghost@example.com',
    });
  });

  it('reports ready while the database answers', async () => {
    const res = await auth.http.get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.data.checks).toEqual({ postgres: 'ok' });
  });
});
