import type { z } from 'zod';
import { loadConfig } from './config';
import { type Logger, createLogger } from './logger';
import { errorSummary } from './errors';
import { Shutdown } from './shutdown';
import { flushTracing } from './tracing/context';

interface EntryConfig {
  LOG_LEVEL: string;
  SHUTDOWN_TIMEOUT_MS: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any input: the schema reads process.env
type ConfigSchema = z.ZodType<EntryConfig, any>;

export interface ServiceEntry<S extends ConfigSchema> {
  name: string;
  configSchema: S;
  /** Connects, listens and resolves once serving; `stop()` drains and closes everything. */
  start(
    config: z.infer<S>,
    deps: { logger: Logger; signal: AbortSignal },
  ): Promise<{ stop(): Promise<void> }>;
}

/**
 * The whole of a service's main.ts: read and validate the configuration (a bad one exits
 * 1 naming the variable), create the logger, start, and on SIGTERM or SIGINT drain and
 * close within SHUTDOWN_TIMEOUT_MS, exiting 0. A signal that arrives while the service is
 * still waiting for a dependency stops the wait; any other start-up failure exits 1.
 * An error nothing caught (an uncaught exception or an unhandled rejection) is logged as
 * fatal, then the service drains and closes the same way and exits 1.
 */
export async function runService<S extends ConfigSchema>(entry: ServiceEntry<S>): Promise<void> {
  const config: z.infer<S> = loadConfig(entry.name, entry.configSchema);
  const logger = createLogger(entry.name, { level: config.LOG_LEVEL });
  const shutdown = new Shutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  shutdown.listen();
  handleCrashes(entry.name, logger, shutdown);
  // Registered first, so closed last: the spans of the drain itself are exported too.
  shutdown.register('tracing', flushTracing);
  try {
    const service = await entry.start(config, { logger, signal: shutdown.signal });
    shutdown.register(entry.name, () => service.stop());
  } catch (err) {
    if (shutdown.signal.aborted) return; // the shutdown in progress exits
    logger.fatal({ err: errorSummary(err) }, `${entry.name} failed to start`);
    logger.flush(() => process.exit(1));
  }
}

/**
 * Without these, Node prints a raw stack on stderr and exits at once: no drain, and the
 * buffered logger's last lines are lost. The state after such an error is unknown, so the
 * service still stops (exit 1), but through the same drain as a SIGTERM; the platform
 * restarts it. A second error during that drain is logged and does not start another.
 */
function handleCrashes(name: string, logger: Logger, shutdown: Shutdown): void {
  const crash = (err: unknown, origin: string) => {
    logger.fatal(
      { err: errorSummary(err), origin, stack: err instanceof Error ? err.stack : undefined },
      `${name} crashed: ${origin}`,
    );
    void shutdown.run(origin, { failed: true });
  };
  process.on('uncaughtException', (err) => crash(err, 'uncaught exception'));
  process.on('unhandledRejection', (reason) => crash(reason, 'unhandled rejection'));
}
