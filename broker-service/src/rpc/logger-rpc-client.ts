import {
  type LogEntry,
  TimeoutError,
  UnavailableError,
  UpstreamError,
  ValidationError,
  currentRequestId,
} from '@ms/service-kit';
import type { LogWriter } from '../domain/ports';
import { JsonRpcRemoteError } from './json-rpc-connection';
import type { JsonRpcPool } from './json-rpc-pool';

/** The logger's JSON-RPC error codes (logger-service/src/rpc/rpc-errors.ts). */
const INVALID_PARAMS = -32602;
const STORE_UNAVAILABLE = -32000;
const STORE_TIMEOUT = -32001;

/** The logger's JSON-RPC method LogInfo; the answer is its result string. */
export class LoggerRpcClient implements LogWriter {
  constructor(
    private readonly pool: JsonRpcPool,
    private readonly timeoutMs: number,
  ) {}

  async write(entry: LogEntry): Promise<string> {
    const params: Record<string, string> = { name: entry.name, data: entry.data };
    const requestId = currentRequestId();
    if (requestId) params.request_id = requestId;
    let result: unknown;
    try {
      result = await this.pool.call('LogInfo', params, this.timeoutMs);
    } catch (err) {
      throw mapRemoteError(err);
    }
    if (typeof result !== 'string') {
      throw new UpstreamError('logger service sent an invalid response');
    }
    return result;
  }
}

/** Same mapping as the logger's HTTP answers get: 400 passes through, 503/504 stay so. */
export function mapRemoteError(err: unknown): unknown {
  if (!(err instanceof JsonRpcRemoteError)) return err;
  switch (err.code) {
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
