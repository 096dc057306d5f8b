// The broker's HTTP clients (authentication, mail, logger) exercised through its production
// build, `node broker-service/dist/main.js`, on every Node major CI tests, whichever Node
// runs jest. On Node 26 they once all answered 503: an npm undici 6 Agent was handed to
// Node's built-in fetch, whose bundled undici is another major. Real HTTP servers stand in
// for the services: what is under test is the client and the runtime, not the services.
import request from 'supertest';
import { freePort } from '@ms/testing';
import {
  type BrokerBuildProcess,
  JsonServiceStub,
  type NodeRuntime,
  type StubRequest,
  requireFreshBuild,
  startBrokerBuild,
  testedNodeRuntimes,
} from '../support/broker-build';
import { sampleUser } from '../support/sample-user';

const runtimes = testedNodeRuntimes();

const storedEntry = {
  id: '6b0218b604b51a67a35589e9',
  name: 'event',
  data: 'stored',
  event_id: '142b5aa3-b6ca-4dc7-88ac-335053841998',
  created_at: '2026-11-21T22:18:30.164Z',
  updated_at: '2026-11-21T22:18:30.164Z',
};

const notFound = { status: 404, body: { error: true, message: 'not found' } };
const user = sampleUser;

const is = (req: StubRequest, method: string, url: string) =>
  req.method === method && req.url === url;

/** The three downstream services, answering as the real ones do. */
function downstreamStubs() {
  return {
    auth: new JsonServiceStub((req) => {
      if (!is(req, 'POST', '/authenticate')) return notFound;
      const { email, password } = req.body as { email: string; password: string };
      return password === 'verysecret'
        ? {
            status: 202,
            body: { error: false, message: `Logged in user ${email}`, data: { ...user, email } },
          }
        : { status: 401, body: { error: true, message: 'invalid credentials' } };
    }),
    mail: new JsonServiceStub((req) =>
      is(req, 'POST', '/send')
        ? {
            status: 202,
            body: { error: false, message: `sent to ${(req.body as { to: string }).to}` },
          }
        : notFound,
    ),
    logger: new JsonServiceStub((req) => {
      if (is(req, 'POST', '/log'))
        return { status: 202, body: { error: false, message: 'logged' } };
      if (is(req, 'GET', '/logs?limit=1&name=event')) {
        return { status: 200, body: { error: false, message: 'logs', data: [storedEntry] } };
      }
      return notFound;
    }),
  };
}

/** Status and body as one value; on a wrong status, the broker's log lines of the request say why. */
function expectAnswer(
  broker: BrokerBuildProcess,
  response: request.Response,
  status: number,
  body: unknown,
): void {
  if (response.status !== status) {
    const requestId = String(response.headers['x-request-id']);
    const lines = broker
      .output()
      .split('\n')
      .filter((line) => line.includes(`"requestId":"${requestId}"`))
      .map((line) => line.slice(0, 600));
    throw new Error(
      `expected ${status}, got ${response.status} ${JSON.stringify(response.body)}; the broker logged:\n${lines.join('\n')}`,
    );
  }
  expect(response.body).toEqual(body);
}

describe.each(runtimes.map((runtime): [string, NodeRuntime] => [runtime.major, runtime]))(
  "the broker's production build on Node %s",
  (major, runtime) => {
    const stubs = downstreamStubs();
    let broker: BrokerBuildProcess;

    beforeAll(async () => {
      requireFreshBuild();
      const closed = async () => `127.0.0.1:${await freePort()}`;
      broker = await startBrokerBuild(runtime, {
        AUTH_SERVICE_URL: await stubs.auth.start(),
        MAIL_SERVICE_URL: await stubs.mail.start(),
        LOGGER_SERVICE_URL: await stubs.logger.start(),
        // Not under test here (they never went through undici): nothing listens there.
        AMQP_URL: `amqp://guest:guest@${await closed()}`,
        LOGGER_RPC_ADDR: await closed(),
        LOGGER_GRPC_ADDR: await closed(),
      });
    });
    afterAll(async () => {
      await broker?.stop();
      await Promise.all(Object.values(stubs).map((stub) => stub.close()));
    });

    it('runs on that major', async () => {
      const metrics = await request(broker.url).get('/metrics');
      expect(metrics.text).toMatch(new RegExp(`^nodejs_version_info\\{[^}]*major="${major}"`, 'm'));
    });

    it('auth: 202 with the user, the credentials and request id sent as JSON', async () => {
      const credentials = { email: 'admin@example.com', password: 'verysecret' };
      const response = await request(broker.url)
        .post('/handle')
        .set('X-Request-Id', `node${major}-auth`)
        .send({ action: 'auth', auth: credentials });
      expectAnswer(broker, response, 202, {
        error: false,
        message: 'Authenticated!',
        data: { ...user, email: credentials.email },
      });
      const sent = stubs.auth.requests.at(-1);
      expect(sent?.body).toEqual(credentials);
      expect(sent?.headers['content-type']).toBe('application/json');
      expect(sent?.headers['x-request-id']).toBe(`node${major}-auth`);
    });

    it("auth: the service's 401 passes through", async () => {
      const response = await request(broker.url)
        .post('/handle')
        .send({ action: 'auth', auth: { email: 'admin@example.com', password: 'wrong' } });
      expectAnswer(broker, response, 401, { error: true, message: 'invalid credentials' });
    });

    it('mail: 202 once the mail service accepted it', async () => {
      const mail = { from: 'me@example.com', to: 'you@there.com', subject: 'Test', message: 'Hi' };
      const response = await request(broker.url).post('/handle').send({ action: 'mail', mail });
      expectAnswer(broker, response, 202, {
        error: false,
        message: 'Message sent to you@there.com',
      });
      expect(stubs.mail.requests.at(-1)?.body).toEqual(mail);
    });

    it('log via http: 202 once the logger accepted it', async () => {
      const log = { name: 'event', data: `via http on Node ${major}` };
      const response = await request(broker.url)
        .post('/handle')
        .send({ action: 'log', via: 'http', log });
      expectAnswer(broker, response, 202, { error: false, message: 'logged' });
      expect(stubs.logger.requests.at(-1)?.body).toMatchObject(log);
    });

    it("GET /logs: the logger's entries", async () => {
      const response = await request(broker.url).get('/logs?limit=1&name=event');
      expectAnswer(broker, response, 200, {
        error: false,
        message: '1 log entry',
        data: [storedEntry],
      });
    });
  },
);
