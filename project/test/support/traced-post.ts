import { randomBytes } from 'node:crypto';

/** The caller's span id in the traceparent postTraced sends: the parent of the service's root span. */
export const CALLER_SPAN_ID = '00f067aa0ba902b7';

/** A random W3C trace id (32 hex digits). */
export function randomTraceId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * POSTs a JSON body with a sampled traceparent of the test's own, so the test knows the
 * trace id the service continues.
 */
export function postTraced(
  url: string,
  body: unknown,
  traceId: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      traceparent: `00-${traceId}-${CALLER_SPAN_ID}-01`,
      ...headers,
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
}
