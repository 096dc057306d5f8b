import request from 'supertest';
import { SEEDED_ADMIN, eventually, freePort } from '@ms/testing';
import type { RunningService } from '@ms/service-kit';
import { start } from '../../src/service';
import { silentLogger } from '../support/log-capture';
import { TcpProxy } from '../support/tcp-proxy';
import { postLogin } from '../support/service-on-test-database';
import { testConfig } from '../support/test-config';
import { type TestDatabase, createTestDatabase, requirePostgres } from '../support/test-database';

describe('when Postgres is unreachable (real Postgres behind a test proxy)', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let proxiedUrl: string;

  beforeAll(async () => {
    await requirePostgres();
    db = await createTestDatabase('auth_pgdown');
    const real = new URL(db.url);
    proxy = new TcpProxy(await freePort(), {
      host: real.hostname,
      port: Number(real.port || 5432),
    });
    const proxied = new URL(db.url);
    proxied.host = `127.0.0.1:${proxy.port}`;
    proxiedUrl = proxied.toString();
  });

  afterAll(async () => {
    await proxy?.close();
    await db?.drop();
  });

  it('gives up waiting when start-up is aborted', async () => {
    const controller = new AbortController();
    const starting = start(await testConfig(proxiedUrl), {
      logger: silentLogger(),
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 300);
    await expect(starting).rejects.toThrow();
  });

  describe('a service that started while Postgres was away', () => {
    let service: RunningService;
    let http: ReturnType<typeof request>;

    beforeAll(async () => {
      const starting = start(
        await testConfig(proxiedUrl, {
          POSTGRES_CONNECT_TIMEOUT_MS: '1000',
          POSTGRES_QUERY_TIMEOUT_MS: '1000',
        }),
        { logger: silentLogger() },
      );
      // Postgres "comes back" after the service has started retrying.
      setTimeout(() => void proxy.open(), 700);
      service = await starting;
      http = request(`http://127.0.0.1:${service.port}`);
    });

    afterAll(() => service?.stop());

    it('waited for it, then serves logins', async () => {
      await postLogin(http, SEEDED_ADMIN.credentials).expect(202);
    });

    it('answers 503 and reports not ready while Postgres is gone, and recovers by itself', async () => {
      await proxy.close();

      const login = await postLogin(http, SEEDED_ADMIN.credentials);
      expect(login.status).toBe(503);
      expect(login.body).toEqual({ error: true, message: 'user database unavailable' });
      expect(login.text).not.toContain(String(proxy.port));
      const ready = await http.get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.data.checks).toEqual({ postgres: 'failing' });

      await proxy.open();
      await eventually(
        async () => (await postLogin(http, SEEDED_ADMIN.credentials)).status === 202,
        { timeoutMs: 10_000, what: 'logins to work again' },
      );
      expect((await http.get('/readyz')).status).toBe(200);
    });
  });
});
