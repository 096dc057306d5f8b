import { itParsesConfig } from '@ms/testing';
import { configSchema } from '../../src/config';

describe('broker config', () => {
  itParsesConfig(configSchema, {
    defaults: {
      PORT: 8080,
      AUTH_SERVICE_URL: 'http://127.0.0.1:8081',
      LOGGER_SERVICE_URL: 'http://127.0.0.1:8082',
      MAIL_SERVICE_URL: 'http://127.0.0.1:8083',
      LOGGER_RPC_ADDR: '127.0.0.1:5001',
      LOGGER_RPC_PROTOCOL: 'jsonrpc',
      LOGGER_GRPC_ADDR: '127.0.0.1:50001',
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      CORS_ORIGINS: ['http://localhost:8000', 'http://127.0.0.1:8000'],
    },
    container: {
      env: {
        PORT: '80',
        LOGGER_RPC_ADDR: 'logger-service:5001',
        AMQP_URL: 'amqp://guest:guest@rabbitmq',
        RPC_POOL_SIZE: '2',
        LOGGER_RPC_PROTOCOL: 'gob',
      },
      reads: {
        PORT: 80,
        LOGGER_RPC_ADDR: 'logger-service:5001',
        AMQP_URL: 'amqp://guest:guest@rabbitmq',
        RPC_POOL_SIZE: 2,
        LOGGER_RPC_PROTOCOL: 'gob',
      },
    },
    refuses: [
      [{ LOGGER_RPC_ADDR: 'logger-service' }, /LOGGER_RPC_ADDR: must be host:port/],
      [{ AMQP_URL: 'http://rabbitmq' }, /AMQP_URL: must be an amqp:\/\/ URL/],
      [{ AUTH_SERVICE_URL: 'not a url' }, 'AUTH_SERVICE_URL'],
      [{ RPC_TIMEOUT_MS: '0' }, 'RPC_TIMEOUT_MS'],
      [{ LOGGER_RPC_PROTOCOL: 'grpc' }, 'LOGGER_RPC_PROTOCOL'],
    ],
  });
});
