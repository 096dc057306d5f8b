import { type Logger, createLogger, parseConfig } from '@ms/service-kit';
import { type Config, configSchema } from '../../src/config';
import { type RunningBroker, start } from '../../src/service';

/** Config for an in-process broker: port 0 and whatever a test points it at. */
export function brokerConfig(env: Record<string, string>): Config {
  return parseConfig(configSchema, { PORT: '0', LOG_LEVEL: 'silent', ...env });
}

export interface LogCapture {
  logger: Logger;
  lines: Record<string, unknown>[];
}

/** A logger whose JSON lines the test can read back. */
export function captureLogs(service: string, level = 'info'): LogCapture {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(service, {
    level,
    destination: {
      write: (line: string) => {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  });
  return { logger, lines };
}

export async function startBroker(
  env: Record<string, string>,
  logger: Logger = createLogger('broker-service', { level: 'silent' }),
): Promise<RunningBroker & { url: string }> {
  const running = await start(brokerConfig(env), { logger });
  return { ...running, url: `http://127.0.0.1:${running.port}` };
}
