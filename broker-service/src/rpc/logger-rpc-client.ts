import {
  SpanKind,
  TimeoutError,
  UnavailableError,
  UpstreamError,
  ValidationError,
  currentRequestId,
  injectTraceContext,
  withSpan,
} from '@ms/service-kit';
import { type LogEntry } from '@ms/service-kit/contracts';
import type { LogWriter } from '../domain/ports';
import type { JsonRpcPool } from './json-rpc-pool';
import { RpcRemoteError } from './rpc-codecs';

/** The logger's JSON-RPC error codes (logger-service/src/rpc/rpc-errors.ts). */
const INVALID_PARAMS = -32602;
const STORE_UNAVAILABLE = -32000;
const STORE_TIMEOUT = -32001;

/**
 * The logger's method LogInfo; the answer is its result string. Over gob the method is the
 * Go original's RPCServer.LogInfo (a Go logger knows no other name; ours answers both).
 * Each call is a client span (no instrumentation knows this transport) whose context goes
 * with the request, so the logger's server span is its child.
 */
export class LoggerRpcClient implements LogWriter {
  constructor(
    private readonly pool: JsonRpcPool,
    private readonly timeoutMs: number,
    private readonly method = 'LogInfo',
    /** For the span: `jsonrpc`, or `go_net_rpc` for gob. */
    private readonly rpcSystem = 'jsonrpc',
  ) {}

  write(entry: LogEntry): Promise<string> {
    const params: Record<string, string> = { name: entry.name, data: entry.data };
    const requestId = currentRequestId();
    if (requestId) params.request_id = requestId;
    const attributes = {
      'rpc.system': this.rpcSystem,
      'rpc.service': 'logger-service',
      'rpc.method': this.method,
    };
    return withSpan(this.method, { kind: SpanKind.CLIENT, attributes }, async () => {
      let result: unknown;
      try {
        result = await this.pool.call(this.method, params, this.timeoutMs, injectTraceContext());
      } catch (err) {
        throw mapRemoteError(err);
      }
      if (typeof result !== 'string') {
        throw new UpstreamError('logger service sent an invalid response');
      }
      return result;
    });
  }
}

/**
 * Same mapping as the logger's HTTP answers get: 400 passes through, 503/504 stay so. A gob
 * error is text only: this project's logger words those cases as below (its JSON-RPC
 * messages); any other text (a Go logger's own errors) is a 502.
 */
export function mapRemoteError(err: unknown): unknown {
  if (!(err instanceof RpcRemoteError)) return err;
  switch (err.code ?? codeOfText(err.message)) {
    case INVALID_PARAMS:
      return new ValidationError(err.message.replace(/^Invalid params: /, ''), { cause: err });
    case STORE_UNAVAILABLE:
      return new UnavailableError('logger service unavailable', { cause: err });
    case STORE_TIMEOUT:
      return new TimeoutError('logger service timed out', { cause: err });
    default:
      return new UpstreamError('logger service answered with an error', { cause: err });
  }
}

function codeOfText(message: string): number | undefined {
  if (message.startsWith('Invalid params: ')) return INVALID_PARAMS;
  if (/ timed out\b/.test(message)) return STORE_TIMEOUT;
  if (/ (unavailable|busy)\b/.test(message)) return STORE_UNAVAILABLE;
  return undefined;
}
