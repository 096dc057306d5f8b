import {
  AppError,
  TimeoutError,
  TooManyRequestsError,
  UnavailableError,
  UpstreamError,
} from './errors';
import type { Envelope } from './http/envelope';
import { REQUEST_ID_HEADER, currentRequestId } from './request-context';

export interface JsonHttpClientOptions {
  /** e.g. http://logger-service */
  baseUrl: string;
  /** Used in client-facing messages instead of the host name: "logger service unavailable". */
  serviceName: string;
  timeoutMs: number;
  /**
   * An undici dispatcher for this service alone, e.g. an `Agent` with a connection limit;
   * Node's global keep-alive pool (no limit) otherwise.
   */
  dispatcher?: RequestInit['dispatcher'];
}

export interface JsonResponse<T> {
  status: number;
  headers: Headers;
  body: Envelope<T>;
}

/** Statuses a downstream may answer that are the caller's fault and pass through as they are. */
const PASS_THROUGH = new Set([400, 401, 404, 413, 415, 429]);

/**
 * A JSON client for a sibling service. Node's fetch keeps connections alive through
 * undici's pooled dispatcher, so there is no dial per request. Every call has a
 * timeout, carries the current request id, and failures map to the design's codes:
 * unreachable 503, timed out 504, answered with an error 502 (or passed through).
 */
export class JsonHttpClient {
  constructor(private readonly options: JsonHttpClientOptions) {}

  /** Sends and returns whatever the service answered, for callers that inspect the status. */
  async request<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<JsonResponse<T>> {
    const { baseUrl, serviceName, timeoutMs } = this.options;
    const headers: Record<string, string> = { ...extraHeaders, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const requestId = currentRequestId();
    if (requestId) headers[REQUEST_ID_HEADER] = requestId;
    let response: Response;
    try {
      response = await fetch(new URL(path, baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
        ...(this.options.dispatcher ? { dispatcher: this.options.dispatcher } : {}),
      });
    } catch (err) {
      if (isTimeout(err)) throw new TimeoutError(`${serviceName} timed out`, { cause: err });
      throw new UnavailableError(`${serviceName} unavailable`, { cause: err });
    }
    let parsed: unknown;
    try {
      parsed = await response.json();
    } catch (err) {
      if (isTimeout(err)) throw new TimeoutError(`${serviceName} timed out`, { cause: err });
      throw new UpstreamError(`${serviceName} sent an invalid response`, { cause: err });
    }
    if (!isEnvelope(parsed)) throw new UpstreamError(`${serviceName} sent an invalid response`);
    return { status: response.status, headers: response.headers, body: parsed as Envelope<T> };
  }

  /** Sends and returns the body of a 2xx answer; anything else becomes the matching AppError. */
  async call<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    extraHeaders?: Record<string, string>,
  ): Promise<Envelope<T>> {
    const {
      status,
      headers,
      body: envelope,
    } = await this.request<T>(method, path, body, extraHeaders);
    if (status >= 200 && status < 300) return envelope;
    if (status === 429) {
      const retryAfter = Number(headers.get('retry-after'));
      throw new TooManyRequestsError(
        envelope.message,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
      );
    }
    if (PASS_THROUGH.has(status)) throw new AppError(status, envelope.message);
    if (status === 503) throw new UnavailableError(`${this.options.serviceName} unavailable`);
    if (status === 504) throw new TimeoutError(`${this.options.serviceName} timed out`);
    throw new UpstreamError(`${this.options.serviceName} answered with an error (${status})`);
  }

  post<T>(
    path: string,
    body: unknown,
    extraHeaders?: Record<string, string>,
  ): Promise<Envelope<T>> {
    return this.call<T>('POST', path, body, extraHeaders);
  }

  get<T>(path: string): Promise<Envelope<T>> {
    return this.call<T>('GET', path);
  }
}

/** By name, not instanceof: fetch's DOMException may come from another realm (e.g. jest's vm). */
function isTimeout(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

function isEnvelope(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Envelope).error === 'boolean' &&
    typeof (value as Envelope).message === 'string'
  );
}
