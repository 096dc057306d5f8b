import { itParsesConfig } from '@ms/testing';
import { configSchema } from '../../src/config';

describe('front-end config', () => {
  itParsesConfig(configSchema, {
    defaults: {
      PORT: 8000,
      BROKER_URL: 'http://localhost:8080',
      MAILHOG_URL: 'http://localhost:8025',
    },
    // The broker and MailHog addresses without their trailing slashes.
    container: {
      env: {
        PORT: '9000',
        BROKER_URL: 'https://broker.example.test:8443/',
        MAILHOG_URL: 'http://127.0.0.1:18025//',
      },
      reads: {
        PORT: 9000,
        BROKER_URL: 'https://broker.example.test:8443',
        MAILHOG_URL: 'http://127.0.0.1:18025',
      },
    },
    refuses: [
      [{ BROKER_URL: 'localhost:8080' }, 'BROKER_URL'],
      [{ BROKER_URL: 'javascript:alert(1)' }, 'BROKER_URL'],
      [{ MAILHOG_URL: 'ftp://127.0.0.1/' }, 'MAILHOG_URL'],
      [{ PORT: 'eighty' }, 'PORT'],
    ],
  });
});
