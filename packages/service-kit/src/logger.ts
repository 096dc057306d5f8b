import pino from 'pino';
import { currentRequestId } from './request-context';

export type Logger = pino.Logger;

export interface LoggerOptions {
  level?: string;
  /** Where the JSON lines go; stdout by default. Tests pass a stream to read them. */
  destination?: pino.DestinationStream;
}

/** Structured JSON lines on stdout; every line logged inside a request carries its requestId. */
export function createLogger(service: string, options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    options.destination ?? bufferedStdout(),
  );
}

/**
 * stdout with lines gathered into 4 KiB writes: under load one write per line costs more
 * than the request it describes. A short timer flushes a quiet service's last lines, and
 * pino flushes synchronously when the process exits.
 */
function bufferedStdout(): pino.DestinationStream {
  const stream = pino.destination({ fd: 1, sync: false, minLength: 4096 });
  setInterval(() => {
    try {
      stream.flush();
    } catch {
      // already closed at exit
    }
  }, 250).unref();
  return stream;
}
