import { AppError, TimeoutError, UnavailableError } from '@ms/service-kit';

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  '3D000', // database does not exist
  '53300', // too many connections
  '57P01', // admin shutdown
  '57P02', // crash shutdown
  '57P03', // cannot connect now (starting up)
]);

/**
 * Turns a pg failure into the design's answer: an unreachable database is 503, a
 * statement that ran out of time is 504. The client-facing message never carries the
 * SQL or host; the original error stays as the cause for the log.
 */
export function toDatabaseError(err: unknown): unknown {
  // Duck-typed rather than `instanceof Error`: errors raised by node's net layer may come
  // from another realm (jest's sandbox), and only the code and message matter here.
  if (err instanceof AppError || typeof err !== 'object' || err === null) return err;
  const { code, message: rawMessage } = err as { code?: unknown; message?: unknown };
  const message = typeof rawMessage === 'string' ? rawMessage : '';
  if (code === '57014' || message === 'Query read timeout') {
    return new TimeoutError('user database timed out', { cause: err });
  }
  if (
    (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08'))) ||
    message.includes('timeout exceeded when trying to connect') ||
    message.includes('Connection terminated')
  ) {
    return new UnavailableError('user database unavailable', { cause: err });
  }
  return err;
}
