import bcrypt from 'bcryptjs';
import request from 'supertest';
import { eventually } from '@ms/testing';
import type { RunningService } from '@ms/service-kit';
import { start } from '../../src/service';
import { FakeLoggerService } from '../support/fake-logger-service';
import { silentLogger } from '../support/log-capture';
import { testConfig } from '../support/test-config';
import { type TestDatabase, createTestDatabase, requirePostgres } from '../support/test-database';

const INVALID = { error: true, message: 'invalid credentials' };

describe('POST /authenticate (real Postgres)', () => {
  let db: TestDatabase;
  let service: RunningService;
  let loggerService: FakeLoggerService;
  let http: ReturnType<typeof request>;

  const login = (body: unknown) => http.post('/authenticate').send(body as object);

  beforeAll(async () => {
    await requirePostgres();
    db = await createTestDatabase('auth_login');
    loggerService = new FakeLoggerService();
    await loggerService.start();
    service = await start(await testConfig(db.url, { LOGGER_SERVICE_URL: loggerService.url }), {
      logger: silentLogger(),
    });
    http = request(`http://127.0.0.1:${service.port}`);
    const inactiveHash = await bcrypt.hash('inactivepass', 4);
    await db.pool.query(
      `INSERT INTO users (email, first_name, last_name, password, user_active)
       VALUES ('sleeper@example.com', 'Sleepy', 'User', $1, false)`,
      [inactiveHash],
    );
  });

  afterAll(async () => {
    await service?.stop();
    await loggerService?.stop();
    await db?.drop();
  });

  it('logs in the seeded admin: 202 with the user and nothing secret', async () => {
    const res = await login({ email: 'admin@example.com', password: 'verysecret' });

    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      error: false,
      message: 'Logged in user admin@example.com',
      data: {
        id: expect.any(Number),
        email: 'admin@example.com',
        first_name: 'Admin',
        last_name: 'User',
        active: true,
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
    const { rows } = await db.pool.query<{ count: number }>(
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

  it('answers malformed JSON with 400', async () => {
    const res = await http
      .post('/authenticate')
      .set('content-type', 'application/json')
      .send('{"email": "admin@example.com", "password": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: true, message: 'malformed JSON body' });
  });

  it('answers a body over 1 MiB with 413', async () => {
    const res = await http
      .post('/authenticate')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ email: 'a@b.c', password: 'x', padding: 'x'.repeat(1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body.error).toBe(true);
  });

  it('answers a body that is not JSON with 415', async () => {
    const res = await http
      .post('/authenticate')
      .set('content-type', 'text/plain')
      .send('email=admin@example.com');
    expect(res.status).toBe(415);
  });

  it('lets a person who mistypes a few times in (default limits)', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await login({ email: 'admin@example.com', password: `typo${i}` })).status).toBe(401);
    }
    expect((await login({ email: 'admin@example.com', password: 'verysecret' })).status).toBe(202);
  });

  it('writes each attempt to the logger-service with the request id', async () => {
    await http
      .post('/authenticate')
      .set('x-request-id', 'login-ok-1')
      .send({ email: 'admin@example.com', password: 'verysecret' })
      .expect(202);
    await http
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
    const res = await http.get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.data.checks).toEqual({ postgres: 'ok' });
  });
});
