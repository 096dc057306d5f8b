import request from 'supertest';
import { eventually, uniqueName } from '@ms/testing';
import { SystemUnderTest } from '../support/system';

/**
 * Real services stopped and started again (on the same ports) while the broker runs:
 * it answers 503 within 2 s while one is down and recovers by itself when it is back.
 */
jest.setTimeout(120_000);

const system = new SystemUnderTest();

beforeAll(() => system.start());
afterAll(() => system.stop());

const handle = (body: object) => request(system.broker.url).post('/handle').send(body);

async function answersWithin2s(call: () => Promise<{ status: number; body: { message: string } }>) {
  const started = Date.now();
  const response = await call();
  expect(Date.now() - started).toBeLessThan(2000);
  return response;
}

it('logger stopped, 200 events published (all 202), logger back: all 200 stored, none twice', async () => {
  const name = uniqueName('e2e_outage');
  await system.logger.stop();
  try {
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        handle({ action: 'log', log: { name, data: `event ${i}` } }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(200).fill(202));
  } finally {
    await system.logger.start();
  }
  const entries = await eventually(
    async () => {
      const listed = await system.listed(name);
      return listed.length >= 200 ? listed : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500, what: 'all 200 events to be stored' },
  );
  await eventually(async () => (await system.queuedEvents()) === 0, {
    timeoutMs: 30_000,
    what: 'an idle listener queue',
  });
  const final = await system.listed(name);
  expect(final).toHaveLength(200);
  expect(new Set(final.map((entry) => entry.data)).size).toBe(200);
  expect(entries.length).toBe(200);
});

const downstreams = [
  {
    name: 'authentication service',
    service: () => system.authService,
    call: () =>
      handle({ action: 'auth', auth: { email: 'admin@example.com', password: 'verysecret' } }),
  },
  {
    name: 'mail service',
    service: () => system.mailService,
    call: () =>
      handle({
        action: 'mail',
        mail: { to: `${uniqueName('rcpt')}@example.com`, subject: 's', message: 'm' },
      }),
  },
  ...(['http', 'rpc', 'grpc'] as const).map((via) => ({
    name: `logger service (log via ${via})`,
    service: () => system.logger,
    call: () => handle({ action: 'log', via, log: { name: uniqueName('e2e_restart'), data: via } }),
  })),
  {
    name: 'logger service (GET /logs)',
    service: () => system.logger,
    call: () => request(system.broker.url).get('/logs?limit=1'),
  },
];

describe.each(downstreams)('$name stopped and started again', ({ service, call }) => {
  it('answers 503 within 2 s while it is down and recovers by itself', async () => {
    expect((await call()).status).toBeLessThan(300);
    await service().stop();
    try {
      for (let i = 0; i < 3; i++) {
        const response = await answersWithin2s(call);
        expect(response.status).toBe(503);
        expect(response.body.message).toMatch(/service unavailable$/);
      }
    } finally {
      await service().start();
    }
    await eventually(async () => (await call()).status < 300, {
      timeoutMs: 15_000,
      what: 'the broker to reach the service again',
    });
  });
});
