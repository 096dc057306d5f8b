import request from 'supertest';
import { SEEDED_ADMIN, eventually, freePort } from '@ms/testing';
import type { RunningService } from '@ms/service-kit';
import { start } from '../../src/service';
import { FakeLoggerService } from '../support/fake-logger-service';
import { type LogLine, capturingLogger } from '../support/log-capture';
import { postLogin } from '../support/service-on-test-database';
import { testConfig } from '../support/test-config';
import { type TestDatabase, createTestDatabase, requirePostgres } from '../support/test-database';

const COULD_NOT_WRITE = 'login attempt could not be written to the logger';

describe('logins while the logger-service is unavailable (real Postgres)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    await requirePostgres();
    db = await createTestDatabase('auth_nologger');
  });

  afterAll(async () => {
    await db?.drop();
  });

  async function startWithLogger(loggerServiceUrl: string, env: Record<string, string> = {}) {
    const { logger, lines } = capturingLogger();
    const service = await start(
      await testConfig(db.url, { LOGGER_SERVICE_URL: loggerServiceUrl, ...env }),
      { logger },
    );
    return { service, lines, http: request(`http://127.0.0.1:${service.port}`) };
  }

  const warnings = (lines: LogLine[]) => lines.filter((line) => line.msg === COULD_NOT_WRITE);

  describe('nothing listens at LOGGER_SERVICE_URL', () => {
    let service: RunningService;
    let lines: LogLine[];
    let http: ReturnType<typeof request>;

    beforeAll(async () => {
      ({ service, lines, http } = await startWithLogger(`http://127.0.0.1:${await freePort()}`));
    });

    afterAll(() => service?.stop());

    it('still answers a good login with 202 and logs the failure locally', async () => {
      await postLogin(http, SEEDED_ADMIN.credentials).expect(202);

      const warning = await eventually(() =>
        warnings(lines).find((line) => line.data === 'valid login for admin@example.com'),
      );
      expect(warning).toMatchObject({ level: 'warn', err: 'logger service unavailable' });
    });

    it('still answers a bad login with the usual 401', async () => {
      const res = await postLogin(http, { email: 'admin@example.com', password: 'wrong' });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: true, message: 'invalid credentials' });
      await eventually(() =>
        warnings(lines).find((line) => line.data === 'invalid login for admin@example.com'),
      );
    });
  });

  describe('the logger-service accepts the connection but never answers', () => {
    let service: RunningService;
    let lines: LogLine[];
    let http: ReturnType<typeof request>;
    const hangingLogger = new FakeLoggerService();

    beforeAll(async () => {
      hangingLogger.hang = true;
      await hangingLogger.start();
      ({ service, lines, http } = await startWithLogger(hangingLogger.url, {
        LOGGER_TIMEOUT_MS: '3000',
      }));
    });

    afterAll(async () => {
      await service?.stop();
      await hangingLogger.stop();
    });

    it('answers the login without waiting for the logger (within 2 s while it hangs for 3 s)', async () => {
      const started = Date.now();
      await postLogin(http, SEEDED_ADMIN.credentials).expect(202);
      expect(Date.now() - started).toBeLessThan(2000);
      await eventually(() => hangingLogger.received.length > 0);
      expect(warnings(lines)).toHaveLength(0);
    });

    it('gives up on the write at the timeout and says so locally', async () => {
      const warning = await eventually(() => warnings(lines)[0], { timeoutMs: 10_000 });
      expect(warning).toMatchObject({ err: 'logger service timed out' });
    });
  });
});
