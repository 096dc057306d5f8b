import { parseConfig } from '@ms/service-kit';
import { itParsesConfig } from '@ms/testing';
import { configSchema } from '../../src/config';

const container = {
  PORT: '80',
  MAIL_HOST: 'mailhog',
  MAIL_PORT: '587',
  MAIL_ENCRYPTION: 'tls',
  MAIL_USERNAME: 'user',
  MAIL_PASSWORD: 'secret',
  FROM_NAME: 'Ops',
  FROM_ADDRESS: 'ops@example.org',
  MAIL_SEND_TIMEOUT_MS: '5000',
};

describe('mail-service config', () => {
  itParsesConfig(configSchema, {
    defaults: {
      PORT: 8083,
      MAIL_HOST: '127.0.0.1',
      MAIL_PORT: 1025,
      MAIL_ENCRYPTION: 'none',
      MAIL_DOMAIN: 'localhost',
      FROM_NAME: 'John Smith',
      FROM_ADDRESS: 'john.smith@example.com',
      MAIL_POOL_SIZE: 10,
    },
    unset: ['MAIL_USERNAME', 'MAIL_PASSWORD'],
    // Every variable, read as itself or as its number.
    container: {
      env: container,
      reads: {
        ...container,
        PORT: 80,
        MAIL_PORT: 587,
        MAIL_ENCRYPTION: 'tls',
        MAIL_SEND_TIMEOUT_MS: 5000,
      },
    },
    refuses: [
      [{ MAIL_ENCRYPTION: 'starttls' }, 'MAIL_ENCRYPTION'],
      [{ FROM_ADDRESS: 'nobody' }, 'FROM_ADDRESS'],
      [{ MAIL_PORT: 'smtp' }, 'MAIL_PORT'],
      [
        { MAIL_USERNAME: 'user' },
        'MAIL_PASSWORD: MAIL_USERNAME and MAIL_PASSWORD are set together',
      ],
    ],
  });

  it('treats empty credentials as unset', () => {
    const config = parseConfig(configSchema, { MAIL_USERNAME: '', MAIL_PASSWORD: '' });
    expect(config.MAIL_USERNAME).toBeUndefined();
  });
});
