import { Shutdown, createLogger, loadConfig } from '@ms/service-kit';
import { configSchema } from './config';
import { start } from './service';

async function main(): Promise<void> {
  const config = loadConfig('mail-service', configSchema);
  const logger = createLogger('mail-service', { level: config.LOG_LEVEL });
  const shutdown = new Shutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  shutdown.listen();
  try {
    const service = await start(config, { logger, signal: shutdown.signal });
    shutdown.register('mail-service', service.stop);
    logger.info({ port: service.port }, 'mail-service listening');
  } catch (err) {
    logger.fatal({ err }, 'mail-service failed to start');
    logger.flush(() => process.exit(1));
  }
}

if (require.main === module) void main();
