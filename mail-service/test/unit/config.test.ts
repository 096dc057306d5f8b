import { ConfigError, parseConfig } from '@ms/service-kit';
import { configSchema } from '../../src/config';

describe('mail-service config', () => {
  it('defaults to the host addresses of the design', () => {
    const config = parseConfig(configSchema, {});
    expect(config).toMatchObject({
      PORT: 8083,
      MAIL_HOST: '127.0.0.1',
      MAIL_PORT: 1025,
      MAIL_ENCRYPTION: 'none',
      MAIL_DOMAIN: 'localhost',
      FROM_NAME: 'John Smith',
      FROM_ADDRESS: 'john.smith@example.com',
      MAIL_POOL_SIZE: 10,
    });
    expect(config.MAIL_USERNAME).toBeUndefined();
    expect(config.MAIL_PASSWORD).toBeUndefined();
  });

  it('reads every variable', () => {
    const config = parseConfig(configSchema, {
      PORT: '80',
      MAIL_HOST: 'mailhog',
      MAIL_PORT: '587',
      MAIL_ENCRYPTION: 'tls',
      MAIL_USERNAME: 'user',
      MAIL_PASSWORD: 'secret',
      FROM_NAME: 'Ops',
      FROM_ADDRESS: 'ops@example.org',
      MAIL_SEND_TIMEOUT_MS: '5000',
    });
    expect(config).toMatchObject({
      PORT: 80,
      MAIL_HOST: 'mailhog',
      MAIL_PORT: 587,
      MAIL_ENCRYPTION: 'tls',
      MAIL_USERNAME: 'user',
      MAIL_PASSWORD: 'secret',
      FROM_NAME: 'Ops',
      FROM_ADDRESS: 'ops@example.org',
      MAIL_SEND_TIMEOUT_MS: 5000,
    });
  });

  it('treats empty credentials as unset', () => {
    const config = parseConfig(configSchema, { MAIL_USERNAME: '', MAIL_PASSWORD: '' });
    expect(config.MAIL_USERNAME).toBeUndefined();
  });

  it.each([
    [{ MAIL_ENCRYPTION: 'starttls' }, /MAIL_ENCRYPTION/],
    [{ FROM_ADDRESS: 'nobody' }, /FROM_ADDRESS/],
    [{ MAIL_PORT: 'smtp' }, /MAIL_PORT/],
    [{ MAIL_USERNAME: 'user' }, /MAIL_PASSWORD: MAIL_USERNAME and MAIL_PASSWORD are set together/],
  ])('refuses %j', (env, message) => {
    expect(() => parseConfig(configSchema, env)).toThrow(ConfigError);
    expect(() => parseConfig(configSchema, env)).toThrow(message);
  });
});
