import { itParsesConfig } from '@ms/testing';
import { configSchema } from '../../src/config';

describe('config', () => {
  itParsesConfig(configSchema, {
    defaults: {
      PORT: 8082,
      RPC_PORT: 5001,
      GRPC_PORT: 50001,
      MONGO_URL: 'mongodb://127.0.0.1:27017',
      MONGO_DB: 'logs',
      MONGO_TIMEOUT_MS: 2000,
      MONGO_SOCKET_TIMEOUT_MS: 10_000,
      LOG_WRITE_TIMEOUT_MS: 2500,
      LOG_COALESCE_MAX_BATCH: 500,
      LOG_COALESCE_MAX_QUEUED: 2000,
      LOG_COALESCE_MAX_FLUSHES: 2,
      LOG_RETENTION_DAYS: 30,
      LOG_RETENTION_MAX_ENTRIES: 0,
      LOG_RETENTION_INTERVAL_MS: 600_000,
    },
    unset: ['MONGO_USERNAME', 'MONGO_PASSWORD'],
    container: {
      env: {
        PORT: '80',
        MONGO_URL: 'mongodb://mongo:27017',
        MONGO_USERNAME: 'admin',
        MONGO_PASSWORD: 'password',
      },
      reads: { PORT: 80, MONGO_URL: 'mongodb://mongo:27017', MONGO_USERNAME: 'admin' },
    },
    refuses: [
      [{ MONGO_USERNAME: 'admin' }, 'MONGO_PASSWORD'],
      [{ MONGO_URL: 'http://127.0.0.1:27017' }, 'MONGO_URL'],
      [{ RPC_PORT: '70000' }, 'RPC_PORT'],
    ],
  });
});
