// Through the broker, the authentication service must rate-limit per client, not per
// broker: the broker forwards its caller's address (X-Forwarded-For) and the service
// trusts it from the broker (TRUST_PROXY). Clients here come from different loopback
// addresses (127.0.0.2, 127.0.0.3), which Linux routes to 127.0.0.1's listeners.
import { request } from 'node:http';
import { createLogger, parseConfig } from '@ms/service-kit';
import {
  createScratchDatabase,
  freePort,
  infra,
  requirePostgres,
  type ScratchDatabase,
} from '@ms/testing';
import * as auth from '../../../authentication-service/src/config';
import { start as startAuth } from '../../../authentication-service/src/service';
import { startBroker } from '../support/broker-process';

const quiet = createLogger('test', { level: 'silent' });
let database: ScratchDatabase;
let stopAll: () => Promise<void>;
let brokerUrl: string;

beforeAll(async () => {
  await requirePostgres();
  database = await createScratchDatabase('broker_login_limit');
  const authService = await startAuth(
    parseConfig(auth.configSchema, {
      PORT: '0',
      POSTGRES_URL: database.url,
      LOGGER_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
      BCRYPT_COST: '4',
      LOGIN_MAX_FAILURES: '3',
      TRUST_PROXY: 'loopback',
    }),
    { logger: quiet },
  );
  const broker = await startBroker({
    AUTH_SERVICE_URL: `http://127.0.0.1:${authService.port}`,
    AMQP_URL: infra().amqpUrl,
  });
  brokerUrl = broker.url;
  stopAll = async () => {
    await broker.stop();
    await authService.stop();
  };
});

afterAll(async () => {
  await stopAll?.();
  await database?.drop();
});

interface Answer {
  status: number;
  retryAfter?: string;
  body: { error: boolean; message: string };
}

/** POST /handle from a given local address (node's http.request honours localAddress). */
function login(fromAddress: string, password: string): Promise<Answer> {
  const body = JSON.stringify({ action: 'auth', auth: { email: 'admin@example.com', password } });
  return new Promise((resolve, reject) => {
    const req = request(
      `${brokerUrl}/handle`,
      {
        method: 'POST',
        localAddress: fromAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: 5000,
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'],
            body: JSON.parse(text) as Answer['body'],
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

it('locks out the client that keeps failing, not every client of the broker', async () => {
  for (let i = 0; i < 3; i++) expect((await login('127.0.0.2', 'wrong')).status).toBe(401);
  const blocked = await login('127.0.0.2', 'verysecret');
  expect(blocked.status).toBe(429);
  expect(Number(blocked.retryAfter)).toBeGreaterThan(0);

  const otherClient = await login('127.0.0.3', 'verysecret');
  expect(otherClient.status).toBe(202);
  expect(otherClient.body).toMatchObject({ error: false, message: 'Authenticated!' });
});
