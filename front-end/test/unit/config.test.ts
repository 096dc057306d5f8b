import { ConfigError, parseConfig } from '@ms/service-kit';
import { configSchema } from '../../src/config';

describe('front-end config', () => {
  it('defaults to the design host ports and addresses', () => {
    const config = parseConfig(configSchema, {});
    expect(config.PORT).toBe(8000);
    expect(config.BROKER_URL).toBe('http://localhost:8080');
    expect(config.MAILHOG_URL).toBe('http://localhost:8025');
  });

  it('reads the broker and MailHog addresses from the environment, without trailing slashes', () => {
    const config = parseConfig(configSchema, {
      PORT: '9000',
      BROKER_URL: 'https://broker.example.test:8443/',
      MAILHOG_URL: 'http://127.0.0.1:18025//',
    });
    expect(config.PORT).toBe(9000);
    expect(config.BROKER_URL).toBe('https://broker.example.test:8443');
    expect(config.MAILHOG_URL).toBe('http://127.0.0.1:18025');
  });

  it.each([
    ['BROKER_URL', 'localhost:8080'],
    ['BROKER_URL', 'javascript:alert(1)'],
    ['MAILHOG_URL', 'ftp://127.0.0.1/'],
    ['PORT', 'eighty'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    expect(() => parseConfig(configSchema, { [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig(configSchema, { [name]: value })).toThrow(name);
  });
});
