import type { NextFunction, Request, Response } from 'express';
import { REQUEST_ID_HEADER, acceptRequestId, runWithRequestId } from '../request-context';
import { setSpanAttribute } from '../tracing/context';

/** Honours a plain incoming X-Request-Id (or makes one), returns it, and scopes the request to it. */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const requestId = acceptRequestId(req.get(REQUEST_ID_HEADER));
  res.setHeader('X-Request-Id', requestId);
  // On the request's server span: a trace can be found by its request id (tag request.id).
  setSpanAttribute('request.id', requestId);
  runWithRequestId(requestId, next);
}
