import { ErrorTally, type LoadResult } from './load-result';

/** The part of autocannon's API used here (it ships no types; a second ambient
 *  `declare module 'autocannon'` would clash with broker-service/bench/autocannon.d.ts). */
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (
    request: AutocannonRequest,
    context: Record<string, unknown>,
  ) => AutocannonRequest;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}
interface AutocannonOptions extends AutocannonRequest {
  url: string;
  connections: number;
  duration: number;
  timeout?: number;
  requests?: AutocannonRequest[];
}
interface AutocannonResult {
  latency: { p50: number; p99: number };
  duration: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface AutocannonInstance extends Promise<AutocannonResult> {
  stop(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: AutocannonOptions) => AutocannonInstance;

export interface HttpLoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  /** A fixed JSON body; see `nextBody` for one per request. */
  body?: unknown;
  /** Builds each request's JSON body, and says what to remember about it for `onAnswer`. */
  nextBody?: () => { body: unknown; tag: string };
  /** Called with each answered request's tag (see `nextBody`) and status. */
  onAnswer?: (tag: string, status: number) => void;
  connections: number;
  durationS: number;
  expectStatus: number;
  signal?: AbortSignal;
}

/** HTTP load with autocannon: `connections` keep-alive connections for `durationS` seconds. */
export async function httpLoad(options: HttpLoadOptions): Promise<LoadResult> {
  const headers = { 'content-type': 'application/json' };
  const { nextBody, onAnswer } = options;
  const request: AutocannonRequest = {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  };
  if (nextBody) {
    request.setupRequest = (req, context) => {
      const { body, tag } = nextBody();
      context.tag = tag;
      return { ...req, body: JSON.stringify(body) };
    };
  }
  if (onAnswer) {
    request.onResponse = (status, _body, context) => onAnswer(String(context.tag), status);
  }
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationS,
    timeout: 10,
    requests: [request],
  });
  const stop = () => instance.stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    const result = await instance;
    const errors = new ErrorTally();
    let ok = 0;
    for (const [status, { count }] of Object.entries(result.statusCodeStats)) {
      if (Number(status) === options.expectStatus) ok += count;
      else errors.add(status, count);
    }
    errors.add('timeout', result.timeouts);
    errors.add('connection error', result.errors - result.timeouts);
    return {
      ok,
      errors: errors.total,
      errorKinds: errors.summary(),
      durationS: result.duration,
      rate: ok / result.duration,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
    };
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
}
