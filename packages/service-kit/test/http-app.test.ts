import { Writable } from 'node:stream';
import request from 'supertest';
import {
  AppError,
  Readiness,
  UnavailableError,
  ValidationError,
  createHttpApp,
  createLogger,
  sendAccepted,
} from '../src';

function appUnderTest(readiness?: Readiness, bodyLimitByPath?: Record<string, string>) {
  const lines: string[] = [];
  const logger = createLogger('kit-test', {
    destination: new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) }),
  });
  const app = createHttpApp({
    service: 'kit-test',
    logger,
    readiness,
    corsOrigins: ['http://localhost:8000'],
    ...(bodyLimitByPath ? { bodyLimitByPath } : {}),
    routes: (router) => {
      router.post('/echo', (req, res) => sendAccepted(res, 'echo', req.body));
      router.post('/big/echo', (req, res) => sendAccepted(res, 'big echo', req.body.data.length));
      router.get('/bad-input', () => {
        throw new ValidationError('email: must be a string');
      });
      router.get('/crash', async () => {
        const err = new Error('select * from users where host=db.internal');
        throw err;
      });
      router.get('/down', () => {
        throw new UnavailableError('logger service unavailable', {
          cause: new Error('ECONNREFUSED 10.0.0.7:80'),
        });
      });
      router.get('/teapot', () => {
        throw new AppError(401, 'invalid credentials');
      });
      router.get('/logs/:id', (req, res) => {
        logger.info('inside handler');
        sendAccepted(res, `entry ${req.params.id}`);
      });
    },
  });
  return { app, lines };
}

describe('createHttpApp', () => {
  it('answers the envelope with the thrown error status', async () => {
    const { app } = appUnderTest();
    await request(app)
      .get('/bad-input')
      .expect(400, { error: true, message: 'email: must be a string' });
    await request(app).get('/teapot').expect(401, { error: true, message: 'invalid credentials' });
    await request(app)
      .get('/down')
      .expect(503, { error: true, message: 'logger service unavailable' });
  });

  it('turns an unknown error into a bare 500 with no stack, SQL or host name, and logs it', async () => {
    const { app, lines } = appUnderTest();
    const res = await request(app).get('/crash').expect(500);
    expect(res.body).toEqual({ error: true, message: 'internal error' });
    expect(res.text).not.toMatch(/select|db\.internal|at .*\.ts/);
    expect(lines.join('')).toContain('db.internal');
  });

  it('answers 404 for an unknown route', async () => {
    await request(appUnderTest().app)
      .get('/nope')
      .expect(404, { error: true, message: 'route not found' });
  });

  it('parses JSON bodies and answers 202', async () => {
    await request(appUnderTest().app)
      .post('/echo')
      .send({ a: 1 })
      .expect(202, { error: false, message: 'echo', data: { a: 1 } });
  });

  it('answers 400 for malformed JSON', async () => {
    await request(appUnderTest().app)
      .post('/echo')
      .set('Content-Type', 'application/json')
      .send('{"a":')
      .expect(400, { error: true, message: 'malformed JSON body' });
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const big = JSON.stringify({ data: 'x'.repeat(1024 * 1024 + 10) });
    await request(appUnderTest().app)
      .post('/echo')
      .set('Content-Type', 'application/json')
      .send(big)
      .expect(413, { error: true, message: 'request body too large' });
  });

  it('takes a larger body on a path given its own limit, and only there', async () => {
    const { app } = appUnderTest(undefined, { '/big': '2mb' });
    const big = JSON.stringify({ data: 'x'.repeat(1024 * 1024 + 10) });
    await request(app)
      .post('/big/echo')
      .set('Content-Type', 'application/json')
      .send(big)
      .expect(202, { error: false, message: 'big echo', data: 1024 * 1024 + 10 });
    await request(app).post('/echo').set('Content-Type', 'application/json').send(big).expect(413);
    const tooBig = JSON.stringify({ data: 'x'.repeat(2 * 1024 * 1024 + 10) });
    await request(app)
      .post('/big/echo')
      .set('Content-Type', 'application/json')
      .send(tooBig)
      .expect(413, { error: true, message: 'request body too large' });
  });

  it('answers 415 for a body that is not JSON', async () => {
    await request(appUnderTest().app)
      .post('/echo')
      .set('Content-Type', 'text/plain')
      .send('hello')
      .expect(415);
  });

  it('honours a plain X-Request-Id, returns it, and logs with it', async () => {
    const { app, lines } = appUnderTest();
    const res = await request(app).get('/logs/7').set('X-Request-Id', 'req-123').expect(202);
    expect(res.headers['x-request-id']).toBe('req-123');
    const handlerLine = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'inside handler');
    expect(handlerLine).toMatchObject({ requestId: 'req-123', service: 'kit-test' });
    const accessLine = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request');
    expect(accessLine).toMatchObject({ requestId: 'req-123', status: 202 });
  });

  it('replaces a request id that could forge log lines', async () => {
    const res = await request(appUnderTest().app)
      .get('/logs/7')
      .set('X-Request-Id', 'a b\tc')
      .expect(202);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('allows the configured origin only', async () => {
    const { app } = appUnderTest();
    const allowed = await request(app).get('/healthz').set('Origin', 'http://localhost:8000');
    expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:8000');
    const other = await request(app).get('/healthz').set('Origin', 'http://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends helmet headers', async () => {
    const res = await request(appUnderTest().app).get('/healthz').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('serves /ping and /healthz', async () => {
    const { app } = appUnderTest();
    await request(app).get('/ping').expect(200, '.');
    await request(app).get('/healthz').expect(200, { error: false, message: 'alive' });
  });

  it('turns /readyz 503 naming the failing check', async () => {
    const readiness = new Readiness()
      .add('postgres', async () => undefined)
      .add('mongodb', async () => {
        throw new Error('connect ECONNREFUSED mongo:27017');
      });
    const res = await request(appUnderTest(readiness).app).get('/readyz').expect(503);
    expect(res.body).toEqual({
      error: true,
      message: 'not ready: mongodb',
      data: { checks: { postgres: 'ok', mongodb: 'failing' } },
    });
    expect(res.text).not.toContain('mongo:27017');
  });

  it('turns /readyz 503 when a check hangs past its timeout', async () => {
    const readiness = new Readiness().add('smtp', () => new Promise(() => undefined), 100);
    await request(appUnderTest(readiness).app).get('/readyz').expect(503);
  });

  it('answers /readyz 200 when every check passes', async () => {
    const readiness = new Readiness().add('postgres', () => true);
    await request(appUnderTest(readiness).app).get('/readyz').expect(200);
  });

  it("adds describe()'s details to /readyz's data without making them a check", async () => {
    const readiness = new Readiness()
      .add('postgres', () => true)
      .describe('breakers', () => ({ mail: { state: 'open' } }));
    const res = await request(appUnderTest(readiness).app).get('/readyz').expect(200);
    expect(res.body).toEqual({
      error: false,
      message: 'ready',
      data: { breakers: { mail: { state: 'open' } }, checks: { postgres: 'ok' } },
    });
  });

  it('exposes request count and latency by route pattern and status on /metrics', async () => {
    const { app } = appUnderTest();
    await request(app).get('/logs/1');
    await request(app).get('/logs/2');
    await request(app).get('/bad-input');
    const res = await request(app).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text).toMatch(
      /http_requests_total\{method="GET",route="\/logs\/:id",status="202",service="kit-test"\} 2/,
    );
    expect(res.text).toMatch(
      /http_requests_total\{method="GET",route="\/bad-input",status="400",service="kit-test"\} 1/,
    );
    expect(res.text).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="\/logs\/:id",status="202"\} 2/,
    );
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });
});
