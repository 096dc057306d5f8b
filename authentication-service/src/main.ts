import { Shutdown, createLogger, loadConfig } from '@ms/service-kit';
import { configSchema } from './config';
import { start } from './service';

async function main(): Promise<void> {
  const config = loadConfig('authentication-service', configSchema);
  const logger = createLogger('authentication-service', { level: config.LOG_LEVEL });
  const shutdown = new Shutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  shutdown.listen();
  try {
    const service = await start(config, { logger, signal: shutdown.signal });
    shutdown.register('authentication-service', service.stop);
    logger.info({ port: service.port }, 'authentication-service listening');
  } catch (err) {
    if (shutdown.signal.aborted) return; // stopped while waiting for Postgres
    logger.fatal({ err }, 'authentication-service failed to start');
    logger.flush(() => process.exit(1));
  }
}

if (require.main === module) void main();
