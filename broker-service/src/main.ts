import { Shutdown, createLogger, loadConfig } from '@ms/service-kit';
import { configSchema } from './config';
import { start } from './service';

async function main(): Promise<void> {
  const config = loadConfig('broker-service', configSchema);
  const logger = createLogger('broker-service', { level: config.LOG_LEVEL });
  const shutdown = new Shutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  shutdown.listen();
  const broker = await start(config, { logger, signal: shutdown.signal });
  shutdown.register('broker-service', () => broker.stop());
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`broker-service failed to start: ${String(err)}\n`);
    process.exit(1);
  });
}
