import { parseConfig } from '@ms/service-kit';
import { freePort } from '@ms/testing';
import { configSchema } from '../../src/config';
import type { ServiceConfig } from '../../src/service';

/** The service's real config schema with test values: port 0, low bcrypt cost for speed. */
export async function testConfig(
  postgresUrl: string,
  env: Record<string, string> = {},
): Promise<ServiceConfig> {
  return parseConfig(configSchema, {
    PORT: '0',
    POSTGRES_URL: postgresUrl,
    // Nothing listens there unless a test sets its own logger.
    LOGGER_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
    BCRYPT_COST: '4',
    LOG_LEVEL: 'silent',
    ...env,
  });
}
