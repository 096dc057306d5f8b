import request from 'supertest';
import {
  AppError,
  TimeoutError,
  UnauthorizedError,
  UnavailableError,
  UpstreamError,
} from '@ms/service-kit';
import { appWithFakes } from '../support/fakes';

const entry = { name: 'event', data: 'some data' };

describe('POST /handle', () => {
  describe('validation', () => {
    it.each([
      [{ action: 'nope' }, 'unknown action'],
      [{ action: 'log-event', log: entry }, 'unknown action'],
      [{}, 'action: is required'],
      [{ action: 7 }, 'action: must be a string'],
      [[1, 2], 'request body must be a JSON object'],
      [{ action: 'log' }, 'log: is required'],
      [{ action: 'log', log: 'x' }, 'log: must be an object'],
      [{ action: 'log', log: { data: 'd' } }, 'log.name: is required'],
      [{ action: 'log', log: { name: 'n', data: 5 } }, 'log.data: must be a string'],
      [{ action: 'log', log: { name: '  ', data: 'd' } }, 'log.name: must not be empty'],
      [
        { action: 'log', log: entry, via: 'smoke-signal' },
        'via: must be one of rabbitmq, http, rpc, grpc',
      ],
      [{ action: 'log', log: entry, via: 3 }, 'via: must be one of rabbitmq, http, rpc, grpc'],
      [{ action: 'auth' }, 'auth: is required'],
      [{ action: 'auth', auth: { email: 'a@example.com' } }, 'auth.password: is required'],
      [{ action: 'auth', auth: { email: 1, password: 'p' } }, 'auth.email: must be a string'],
      [
        { action: 'mail', mail: { to: 'a@example.com', subject: 's' } },
        'mail.message: is required',
      ],
      [
        { action: 'mail', mail: { to: 'a@example.com', subject: 's', message: 'm', from: 9 } },
        'mail.from: must be a string',
      ],
      // the services' own limits, refused here with the same words, one hop earlier
      [
        { action: 'mail', mail: { to: 'a@example.com', subject: 's'.repeat(300), message: 'm' } },
        'mail.subject: must be at most 255 characters',
      ],
      [
        { action: 'mail', mail: { to: 'a@example.com', subject: 'a\r\nBcc: x@y.z', message: 'm' } },
        'mail.subject: must not contain line breaks (CR or LF)',
      ],
      [
        { action: 'auth', auth: { email: `${'e'.repeat(250)}@b.cd`, password: 'p' } },
        'auth.email: must be at most 254 characters',
      ],
      [
        { action: 'auth', auth: { email: 'a@example.com', password: 'é'.repeat(37) } },
        'auth.password: must be at most 72 bytes',
      ],
    ])('%j -> 400 %s, and nothing is called', async (body, message) => {
      const { app, fakes } = appWithFakes();
      const response = await request(app).post('/handle').send(body);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: true, message });
      expect([...fakes.written, ...fakes.logins, ...fakes.mails, ...fakes.published]).toEqual([]);
    });

    it('an empty body is refused with 400 naming the problem', async () => {
      const { app } = appWithFakes();
      const response = await request(app).post('/handle');
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: true, message: 'request body must be a JSON object' });
    });

    it('a body that is not JSON is refused with 415', async () => {
      const { app } = appWithFakes();
      const response = await request(app)
        .post('/handle')
        .set('content-type', 'text/plain')
        .send('action=log');
      expect(response.status).toBe(415);
    });
  });

  describe('log', () => {
    it('goes via RabbitMQ by default', async () => {
      const { app, fakes } = appWithFakes();
      const response = await request(app).post('/handle').send({ action: 'log', log: entry });
      expect(response.status).toBe(202);
      expect(response.body).toEqual({ error: false, message: 'written via rabbitmq' });
      expect(fakes.written).toEqual([{ via: 'rabbitmq', entry }]);
    });

    it.each(['rabbitmq', 'http', 'rpc', 'grpc'] as const)('goes via %s when asked', async (via) => {
      const { app, fakes } = appWithFakes();
      const response = await request(app).post('/handle').send({ action: 'log', log: entry, via });
      expect(response.status).toBe(202);
      expect(response.body.message).toBe(`written via ${via}`);
      expect(fakes.written).toEqual([{ via, entry }]);
    });

    it.each([
      [new UnavailableError('logger service unavailable'), 503],
      [new TimeoutError('logger service timed out'), 504],
      [new UpstreamError('logger service answered with an error'), 502],
    ])('a failing transport (%s) answers %i with its message', async (error, status) => {
      const { app, fakes } = appWithFakes();
      fakes.writeLog = () => Promise.reject(error);
      const response = await request(app)
        .post('/handle')
        .send({ action: 'log', log: entry, via: 'rpc' });
      expect(response.status).toBe(status);
      expect(response.body).toEqual({ error: true, message: error.message });
    });
  });

  describe('POST /log-grpc', () => {
    it('writes the entry via gRPC (the action field is ignored)', async () => {
      const { app, fakes } = appWithFakes();
      const response = await request(app).post('/log-grpc').send({ action: 'log', log: entry });
      expect(response.status).toBe(202);
      expect(fakes.written).toEqual([{ via: 'grpc', entry }]);
    });

    it('refuses a missing entry', async () => {
      const { app } = appWithFakes();
      const response = await request(app).post('/log-grpc').send({ action: 'log' });
      expect(response.status).toBe(400);
      expect(response.body.message).toBe('log: is required');
    });
  });

  describe('auth', () => {
    const credentials = { email: 'admin@example.com', password: 'verysecret' };

    it('answers 202 Authenticated! with the user', async () => {
      const { app, broker, fakes } = appWithFakes();
      const user = await fakes.authenticate(credentials);
      const response = await request(app)
        .post('/handle')
        .send({ action: 'auth', auth: credentials });
      expect(response.status).toBe(202);
      expect(response.body).toEqual({ error: false, message: 'Authenticated!', data: user });
      await broker.drain();
      expect(fakes.published).toEqual([
        { name: 'authentication', data: 'admin@example.com logged in' },
      ]);
    });

    it('passes a 401 through and publishes the failed login', async () => {
      const { app, broker, fakes } = appWithFakes();
      fakes.authenticate = () => Promise.reject(new AppError(401, 'invalid credentials'));
      const response = await request(app)
        .post('/handle')
        .send({ action: 'auth', auth: credentials });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: true, message: 'invalid credentials' });
      await broker.drain();
      expect(fakes.published).toEqual([
        { name: 'authentication', data: 'admin@example.com failed to log in' },
      ]);
    });

    it('an unreachable authentication service is a 503 and no login event', async () => {
      const { app, broker, fakes } = appWithFakes();
      fakes.authenticate = () =>
        Promise.reject(new UnavailableError('authentication service unavailable'));
      const response = await request(app)
        .post('/handle')
        .send({ action: 'auth', auth: credentials });
      expect(response.status).toBe(503);
      await broker.drain();
      expect(fakes.published).toEqual([]);
    });

    it('answers even when the login event cannot be published', async () => {
      const { app, broker, fakes } = appWithFakes();
      fakes.publish = () => Promise.reject(new UnavailableError('event bus unavailable'));
      const response = await request(app)
        .post('/handle')
        .send({ action: 'auth', auth: credentials });
      expect(response.status).toBe(202);
      await broker.drain();
      expect(fakes.published).toHaveLength(1);
    });

    it('a 401 stays a 401 when it is the kit error class', async () => {
      const { app, fakes } = appWithFakes();
      fakes.authenticate = () => Promise.reject(new UnauthorizedError());
      const response = await request(app)
        .post('/handle')
        .send({ action: 'auth', auth: credentials });
      expect(response.status).toBe(401);
    });
  });

  describe('mail', () => {
    const mail = { from: 'me@example.com', to: 'you@example.com', subject: 'Hi', message: 'Hello' };

    it('answers 202 Message sent to <to>', async () => {
      const { app, fakes } = appWithFakes();
      const response = await request(app).post('/handle').send({ action: 'mail', mail });
      expect(response.status).toBe(202);
      expect(response.body).toEqual({ error: false, message: 'Message sent to you@example.com' });
      expect(fakes.mails).toEqual([mail]);
    });

    it('passes the mail service 400 through', async () => {
      const { app, fakes } = appWithFakes();
      fakes.sendMail = () =>
        Promise.reject(new AppError(400, 'subject: must not contain CR or LF'));
      const response = await request(app).post('/handle').send({ action: 'mail', mail });
      expect(response.status).toBe(400);
      expect(response.body.message).toBe('subject: must not contain CR or LF');
    });
  });
});

describe('GET|POST /', () => {
  it.each(['get', 'post'] as const)(
    '%s answers 202 Hit the broker and publishes broker_hit',
    async (method) => {
      const { app, broker, fakes } = appWithFakes();
      const response = await request(app)[method]('/').set('X-Request-Id', 'req-1');
      expect(response.status).toBe(202);
      expect(response.body).toEqual({ error: false, message: 'Hit the broker' });
      await broker.drain();
      expect(fakes.published).toEqual([
        { name: 'broker_hit', data: `hit ${method.toUpperCase()} / (request req-1)` },
      ]);
    },
  );

  it('answers 202 even when the event bus is down', async () => {
    const { app, fakes } = appWithFakes();
    fakes.publish = () => Promise.reject(new UnavailableError('event bus unavailable'));
    const response = await request(app).get('/');
    expect(response.status).toBe(202);
  });
});

describe('GET /logs', () => {
  it('passes limit and name to the logger', async () => {
    const { app, fakes } = appWithFakes();
    const response = await request(app).get('/logs?limit=5&name=broker_hit');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ error: false, message: '0 log entries', data: [] });
    expect(fakes.queries).toEqual([{ limit: 5, name: 'broker_hit' }]);
  });

  it.each([
    ['limit=0', 'limit: must be at least 1'],
    ['limit=501', 'limit: must be at most 500'],
    ['limit=abc', 'limit: must be a number'],
    ['limit=1.5', 'limit: must be an integer'],
    [`name=${'n'.repeat(257)}`, 'name: must be at most 256 characters'],
  ])('?%s -> 400 %s', async (query, message) => {
    const { app, fakes } = appWithFakes();
    const response = await request(app).get(`/logs?${query}`);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: true, message });
    expect(fakes.queries).toEqual([]);
  });
});
