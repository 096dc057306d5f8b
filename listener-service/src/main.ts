import { Shutdown, createLogger, errorSummary, loadConfig } from '@ms/service-kit';
import { configSchema } from './config';
import { SERVICE_NAME, start } from './service';

async function main(): Promise<void> {
  const config = loadConfig(SERVICE_NAME, configSchema);
  const logger = createLogger(SERVICE_NAME, { level: config.LOG_LEVEL });
  const shutdown = new Shutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  shutdown.listen();
  try {
    const listener = await start(config, { logger, signal: shutdown.signal });
    shutdown.register('listener', listener.stop);
  } catch (err) {
    // Aborted by SIGTERM while waiting for RabbitMQ: the shutdown in progress exits.
    if (shutdown.signal.aborted) return;
    logger.fatal({ err: errorSummary(err) }, 'listener-service could not start');
    logger.flush(() => process.exit(1));
  }
}

if (require.main === module) void main();
