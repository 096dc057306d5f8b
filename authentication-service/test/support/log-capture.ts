import { type Logger, createLogger } from '@ms/service-kit';

export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** A real pino logger whose JSON lines are kept in memory for assertions. */
export function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger('authentication-service', {
    level: 'debug',
    destination: {
      write: (line: string) => {
        lines.push(JSON.parse(line) as LogLine);
      },
    },
  });
  return { logger, lines };
}

export function silentLogger(): Logger {
  return createLogger('authentication-service', { level: 'silent' });
}
