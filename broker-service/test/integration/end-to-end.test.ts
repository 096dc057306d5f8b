import request from 'supertest';
import { eventually, uniqueName } from '@ms/testing';
import { SystemUnderTest } from '../support/system';

/**
 * Every action and every log transport through the broker, against the real services
 * (started in this process) and the real Postgres, RabbitMQ, FerretDB and MailHog.
 */
jest.setTimeout(60_000);

const system = new SystemUnderTest();

beforeAll(() => system.start());
afterAll(() => system.stop());

/** Waits until the logger lists the entry, then checks it is there exactly once. */
async function storedOnce(name: string, data: string) {
  const matching = async () => (await system.listed(name)).filter((entry) => entry.data === data);
  await eventually(async () => (await matching()).length > 0, {
    timeoutMs: 20_000,
    what: `the logger to list ${name}: ${data}`,
  });
  // Let redeliveries, if any, happen before counting.
  await eventually(async () => (await system.queuedEvents()) === 0, {
    timeoutMs: 20_000,
    what: 'an idle listener queue',
  });
  return matching();
}

describe.each([
  ['rabbitmq', 'logged via RabbitMQ'],
  ['http', 'logged'],
  ['rpc', undefined],
  ['grpc', 'logged'],
] as const)('POST /handle log via %s', (via, message) => {
  it('answers 202 and the entry is stored exactly once, the request id reaching the logger', async () => {
    const name = uniqueName(`e2e_${via}`);
    const requestId = uniqueName('req');
    const response = await request(system.broker.url)
      .post('/handle')
      .set('X-Request-Id', requestId)
      .send({ action: 'log', via, log: { name, data: `via ${via}` } });
    expect(response.status).toBe(202);
    expect(response.body).toEqual({
      error: false,
      message: message ?? `Processed payload via RPC: ${name}`,
    });
    expect(await storedOnce(name, `via ${via}`)).toHaveLength(1);
    expect(system.loggerLogs.withRequestId(requestId).length).toBeGreaterThan(0);
  });
});

it('a log action without via goes through RabbitMQ', async () => {
  const name = uniqueName('e2e_default');
  const response = await request(system.broker.url)
    .post('/handle')
    .send({ action: 'log', log: { name, data: 'default transport' } });
  expect(response.body.message).toBe('logged via RabbitMQ');
  expect(await storedOnce(name, 'default transport')).toHaveLength(1);
});

it('POST /log-grpc stores the entry exactly once', async () => {
  const name = uniqueName('e2e_log_grpc');
  const response = await request(system.broker.url)
    .post('/log-grpc')
    .send({ action: 'log', log: { name, data: 'compat route' } });
  expect(response.status).toBe(202);
  expect(await storedOnce(name, 'compat route')).toHaveLength(1);
});

it('GET / answers Hit the broker and its broker_hit event is stored once', async () => {
  const requestId = uniqueName('hit');
  const response = await request(system.broker.url).get('/').set('X-Request-Id', requestId);
  expect(response.status).toBe(202);
  expect(response.body).toEqual({ error: false, message: 'Hit the broker' });
  expect(await storedOnce('broker_hit', `hit GET / (request ${requestId})`)).toHaveLength(1);
});

describe('POST /handle auth', () => {
  const email = `${uniqueName('user')}@example.com`;

  beforeAll(() => system.renameAdmin(email));

  it('answers 202 Authenticated! with the user (no password) and stores one authentication event', async () => {
    const response = await request(system.broker.url)
      .post('/handle')
      .send({ action: 'auth', auth: { email, password: 'verysecret' } });
    expect(response.status).toBe(202);
    expect(response.body.error).toBe(false);
    expect(response.body.message).toBe('Authenticated!');
    expect(response.body.data).toMatchObject({ email, active: true });
    expect(response.body.data).not.toHaveProperty('password');
    expect(await storedOnce('authentication', `${email} logged in`)).toHaveLength(1);
  });

  it('answers 401 for a wrong password and stores one failed-login event', async () => {
    const response = await request(system.broker.url)
      .post('/handle')
      .send({ action: 'auth', auth: { email, password: 'wrong password' } });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: true, message: 'invalid credentials' });
    expect(await storedOnce('authentication', `${email} failed to log in`)).toHaveLength(1);
  });
});

describe.each(['http', 'grpc'] as const)('concurrent log writes via %s', (via) => {
  it('are coalesced into batch calls and each stored exactly once, with its own answer', async () => {
    const name = uniqueName(`e2e_burst_${via}`);
    const bodies = Array.from({ length: 120 }, (_, i) => ({
      action: 'log',
      via,
      log: { name, data: `burst ${i}` },
    }));
    // One invalid entry among them is refused on its own (400), the rest are stored.
    const responses = await Promise.all(
      [...bodies, { action: 'log', via, log: { name, data: 'x'.repeat(70_000) } }].map((body) =>
        request(system.broker.url).post('/handle').send(body),
      ),
    );
    expect(responses.slice(0, 120).map((response) => response.status)).toEqual(
      Array(120).fill(202),
    );
    expect(responses[120]!.status).toBe(400);
    expect(responses[120]!.body.message).toMatch(/data: must be at most 65536 bytes/);
    const stored = await eventually(
      async () => {
        const entries = await system.listed(name);
        return entries.length >= 120 ? entries : undefined;
      },
      { what: `120 entries named ${name}` },
    );
    expect(new Set(stored.map((entry) => entry.data)).size).toBe(120);
    expect(stored).toHaveLength(120);
    // The logger saw batch calls, each under a batch request id of the broker's.
    const batchCalls = system.loggerLogs.lines.filter(
      (line) =>
        (line.path === '/logs/batch' || line.method === 'logs.LogService/WriteLogs') &&
        String(line.requestId).startsWith('batch-'),
    );
    expect(batchCalls.length).toBeGreaterThan(0);
  });
});

describe('POST /handle mail', () => {
  it('answers 202 Message sent to <to> and MailHog received it once', async () => {
    const to = `${uniqueName('rcpt')}@example.com`;
    const response = await request(system.broker.url)
      .post('/handle')
      .send({
        action: 'mail',
        mail: { from: 'me@example.com', to, subject: 'Hello', message: 'Hi there' },
      });
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ error: false, message: `Message sent to ${to}` });
    const query = new URLSearchParams({ kind: 'to', query: to });
    const found = await eventually(
      async () => {
        const answer = await fetch(`${system.mailhogApiUrl}/api/v2/search?${query}`);
        const { items } = (await answer.json()) as { items: unknown[] };
        return items.length > 0 ? items : undefined;
      },
      { what: 'the message in MailHog' },
    );
    expect(found).toHaveLength(1);
  });

  it('passes the mail service 400 through (CR/LF in the subject)', async () => {
    const response = await request(system.broker.url)
      .post('/handle')
      .send({
        action: 'mail',
        mail: { to: 'a@example.com', subject: 'Hi\r\nBcc: x@example.com', message: 'm' },
      });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe(true);
  });
});

it('GET /logs lists the newest entries from the logger', async () => {
  const name = uniqueName('e2e_list');
  for (const data of ['first', 'second']) {
    await request(system.broker.url)
      .post('/handle')
      .send({ action: 'log', via: 'http', log: { name, data } });
  }
  const response = await request(system.broker.url).get('/logs').query({ name, limit: 1 });
  expect(response.status).toBe(200);
  expect(response.body.data).toHaveLength(1);
  expect(response.body.data[0]).toMatchObject({ name, data: 'second' });
});
