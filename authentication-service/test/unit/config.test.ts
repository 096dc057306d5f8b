import { ConfigError, parseConfig } from '@ms/service-kit';
import { configSchema } from '../../src/config';

describe('config', () => {
  it('defaults to the host addresses of the design', () => {
    const config = parseConfig(configSchema, {});
    expect(config).toMatchObject({
      PORT: 8081,
      POSTGRES_URL: 'postgres://postgres@127.0.0.1:5432/users',
      LOGGER_SERVICE_URL: 'http://127.0.0.1:8082',
      BCRYPT_COST: 10,
      LOGIN_MAX_FAILURES: 10,
      LOGIN_FAILURE_WINDOW_MS: 900_000,
      TRUST_PROXY: [],
    });
  });

  it.each(['3', '16', 'ten'])('refuses BCRYPT_COST=%s', (cost) => {
    expect(() => parseConfig(configSchema, { BCRYPT_COST: cost })).toThrow(ConfigError);
  });

  it('reads a trusted proxy list', () => {
    expect(parseConfig(configSchema, { TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY).toEqual([
      'loopback',
      '10.0.0.0/8',
    ]);
  });
});
