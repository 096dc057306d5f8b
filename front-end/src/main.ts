import { Shutdown, createLogger, loadConfig } from '@ms/service-kit';
import { configSchema } from './config';
import { start } from './service';

async function main(): Promise<void> {
  const config = loadConfig('front-end', configSchema);
  const logger = createLogger('front-end', { level: config.LOG_LEVEL });
  const shutdown = new Shutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  shutdown.listen();
  try {
    const frontEnd = await start(config, { logger, signal: shutdown.signal });
    shutdown.register('http server', frontEnd.stop);
  } catch (err) {
    logger.fatal({ err }, 'front-end failed to start');
    logger.flush(() => process.exit(1));
  }
}

if (require.main === module) void main();
