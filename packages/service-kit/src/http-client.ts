import type { IncomingHttpHeaders } from 'node:http';
import { type Dispatcher, Pool } from 'undici';
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
   * Keep-alive connections at most to the service (16 by default): under load, requests
   * queue on a few warm connections instead of opening one per concurrent caller.
   */
  connections?: number;
}

export interface JsonResponse<T> {
  status: number;
  headers: IncomingHttpHeaders;
  body: Envelope<T>;
}

/** Statuses a downstream may answer that are the caller's fault and pass through as they are. */
const PASS_THROUGH = new Set([400, 401, 404, 413, 415, 429]);

/**
 * A JSON client for a sibling service, on the npm `undici` package's `request` and a
 * keep-alive `Pool` of its own (never Node's built-in fetch, whose bundled undici is a
 * different version on every Node major). Every call has a timeout, carries the current
 * request id, and failures map to the design's codes: unreachable 503, timed out 504,
 * answered with an error 502 (or passed through). `close()` it when the service stops.
 */
export class JsonHttpClient {
  private readonly pool: Pool;
  private readonly origin: string;
  private readonly basePath: string;

  constructor(private readonly options: JsonHttpClientOptions) {
    const url = new URL(options.baseUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/$/, '');
    // Idle connections close before the services' own keep-alive timeout (65 s), so a
    // request never races a server-side close.
    this.pool = new Pool(this.origin, {
      connections: options.connections ?? 16,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 60_000,
    });
  }

  /** Sends and returns whatever the service answered, for callers that inspect the status. */
  async request<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<JsonResponse<T>> {
    const { serviceName, timeoutMs } = this.options;
    const headers: Record<string, string> = { ...extraHeaders, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const requestId = currentRequestId();
    if (requestId) headers[REQUEST_ID_HEADER] = requestId;
    let response: Dispatcher.ResponseData;
    try {
      response = await this.pool.request({
        method,
        path: this.basePath + path,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      if (isTimeout(err)) throw new TimeoutError(`${serviceName} timed out`, { cause: err });
      throw new UnavailableError(`${serviceName} unavailable`, { cause: err });
    }
    let parsed: unknown;
    try {
      parsed = await response.body.json();
    } catch (err) {
      if (isTimeout(err)) throw new TimeoutError(`${serviceName} timed out`, { cause: err });
      throw new UpstreamError(`${serviceName} sent an invalid response`, { cause: err });
    }
    if (!isEnvelope(parsed)) throw new UpstreamError(`${serviceName} sent an invalid response`);
    return { status: response.statusCode, headers: response.headers, body: parsed as Envelope<T> };
  }

  /** Sends and returns the body of a 2xx answer; anything else becomes the matching AppError. */
  async call<T>(
    method: 'GET' | 'POST' | 'DELETE',
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
      const retryAfter = Number(headers['retry-after']);
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

  delete<T>(path: string): Promise<Envelope<T>> {
    return this.call<T>('DELETE', path);
  }

  /** Closes the pool's connections once the requests in flight have their answers. */
  close(): Promise<void> {
    return this.pool.close();
  }
}

/**
 * By name, not instanceof: the abort reason is a DOMException that may come from another
 * realm (e.g. jest's vm); undici's own RequestAbortedError is also named AbortError.
 */
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
