import pino from 'pino';
import { currentRequestId } from './request-context';
import { currentTraceIds } from './tracing/context';

export type Logger = pino.Logger;

export interface LoggerOptions {
  level?: string;
  /** Where the JSON lines go; stdout by default. Tests pass a stream to read them. */
  destination?: pino.DestinationStream;
}

/**
 * Structured JSON lines on stdout; every line logged inside a request carries its requestId,
 * and inside a trace its trace_id and span_id (a line's own fields win over these).
 */
export function createLogger(service: string, options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const requestId = currentRequestId();
        const ids = currentTraceIds();
        if (!ids) return requestId ? { requestId } : {};
        return requestId ? { requestId, ...ids } : ids;
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
