import type { NextFunction, Request, Response } from 'express';
import { TooManyRequestsError, toAppError } from '../errors';
import type { Logger } from '../logger';
import { sendEnvelope } from './envelope';

/**
 * The one place errors become HTTP answers. Clients get the envelope with the mapped
 * status and the error's client-facing message; the details (stack, cause) go to the log.
 */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const appError = toAppError(err);
    const logFields = { method: req.method, path: req.path, status: appError.status };
    if (appError.status >= 500)
      logger.error({ ...logFields, err: appError.cause ?? err }, appError.message);
    else logger.warn(logFields, appError.message);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (appError instanceof TooManyRequestsError && appError.retryAfterSeconds !== undefined) {
      res.setHeader('Retry-After', String(appError.retryAfterSeconds));
    }
    sendEnvelope(res, appError.status, { error: true, message: appError.message });
  };
}
