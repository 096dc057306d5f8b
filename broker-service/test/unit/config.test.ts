import { ConfigError, parseConfig } from '@ms/service-kit';
import { configSchema } from '../../src/config';

describe('broker config', () => {
  it('defaults to the host addresses of the design', () => {
    const config = parseConfig(configSchema, {});
    expect(config).toMatchObject({
      PORT: 8080,
      AUTH_SERVICE_URL: 'http://127.0.0.1:8081',
      LOGGER_SERVICE_URL: 'http://127.0.0.1:8082',
      MAIL_SERVICE_URL: 'http://127.0.0.1:8083',
      LOGGER_RPC_ADDR: '127.0.0.1:5001',
      LOGGER_RPC_PROTOCOL: 'jsonrpc',
      LOGGER_GRPC_ADDR: '127.0.0.1:50001',
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      CORS_ORIGINS: ['http://localhost:8000', 'http://127.0.0.1:8000'],
    });
  });

  it('takes container values from the environment', () => {
    const config = parseConfig(configSchema, {
      PORT: '80',
      LOGGER_RPC_ADDR: 'logger-service:5001',
      AMQP_URL: 'amqp://guest:guest@rabbitmq',
      RPC_POOL_SIZE: '2',
      LOGGER_RPC_PROTOCOL: 'gob',
    });
    expect(config).toMatchObject({
      PORT: 80,
      LOGGER_RPC_ADDR: 'logger-service:5001',
      AMQP_URL: 'amqp://guest:guest@rabbitmq',
      RPC_POOL_SIZE: 2,
      LOGGER_RPC_PROTOCOL: 'gob',
    });
  });

  it.each([
    ['LOGGER_RPC_ADDR', 'logger-service', /LOGGER_RPC_ADDR: must be host:port/],
    ['AMQP_URL', 'http://rabbitmq', /AMQP_URL: must be an amqp:\/\/ URL/],
    ['AUTH_SERVICE_URL', 'not a url', /AUTH_SERVICE_URL/],
    ['RPC_TIMEOUT_MS', '0', /RPC_TIMEOUT_MS/],
    ['LOGGER_RPC_PROTOCOL', 'grpc', /LOGGER_RPC_PROTOCOL/],
  ])('refuses %s=%s, naming it', (name, value, message) => {
    expect(() => parseConfig(configSchema, { [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig(configSchema, { [name]: value })).toThrow(message);
  });
});
