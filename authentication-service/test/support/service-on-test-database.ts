import type { RunningService } from '@ms/service-kit';
import request from 'supertest';
import { start } from '../../src/service';
import { silentLogger } from './log-capture';
import { testConfig } from './test-config';
import { type TestDatabase, createTestDatabase, requirePostgres } from './test-database';

export type Http = ReturnType<typeof request>;

/** POST /authenticate with this body. */
export const postLogin = (http: Http, body: unknown) =>
  http.post('/authenticate').send(body as object);

export interface ServiceOnTestDatabase {
  db: TestDatabase;
  service: RunningService;
  http: Http;
  /** POST /authenticate with this body. */
  login(body: unknown): request.Test;
}

/**
 * The service, silent, on a scratch database of its own for the tests of the enclosing
 * describe: started in a beforeAll (after those registered before this call, so `env` may
 * name what they started), stopped and its database dropped in an afterAll.
 */
export function serviceOnTestDatabase(
  prefix: string,
  env: Record<string, string> | (() => Record<string, string>) = {},
): ServiceOnTestDatabase {
  const running = {
    login: (body: unknown) => postLogin(running.http, body),
  } as ServiceOnTestDatabase;
  beforeAll(async () => {
    await requirePostgres();
    running.db = await createTestDatabase(prefix);
    const config = await testConfig(running.db.url, typeof env === 'function' ? env() : env);
    running.service = await start(config, { logger: silentLogger() });
    running.http = request(`http://127.0.0.1:${running.service.port}`);
  });
  afterAll(async () => {
    await running.service?.stop();
    await running.db?.drop();
  });
  return running;
}
