import {
  type Logger,
  ValidationError,
  acceptRequestId,
  errorSummary,
  runWithRequestId,
} from '@ms/service-kit';
import { type JSONRPCRequestLike, type RequestParamsLike, Server } from 'jayson/promise';
import type { LogEntries } from '../domain/log-entries';
import { RPC_ERROR, errorResponse, toRpcError } from './rpc-errors';
import type { RpcMessageHandler } from './ndjson-rpc-server';

/** `LogInfo` is the method; `RPCServer.LogInfo` is the Go original's name for it. */
export const LOG_INFO_METHODS = ['LogInfo', 'RPCServer.LogInfo'] as const;

const MAX_BATCH_LENGTH = 100;

/**
 * JSON-RPC 2.0 semantics (request validation, method lookup, batches, notifications,
 * error objects) come from jayson's Server; the transport is ours (see ndjson-rpc-server).
 */
export function createLogRpcServer(entries: LogEntries, logger: Logger): Server {
  const methods = Object.fromEntries(
    LOG_INFO_METHODS.map((method) => [
      method,
      (params: RequestParamsLike) => logInfo(entries, logger, method, params),
    ]),
  );
  return new Server(methods, { version: 2, maxBatchLength: MAX_BATCH_LENGTH });
}

/** Adapts a jayson Server to the transport: one parsed message in, one response (or none) out. */
export function jaysonMessageHandler(server: Server): RpcMessageHandler {
  return (message) =>
    new Promise((resolve) => {
      // jayson would parse a JSON string a second time; a request is an object or a batch.
      if (typeof message !== 'object' || message === null) {
        resolve(errorResponse(RPC_ERROR.INVALID_REQUEST, 'Invalid request'));
        return;
      }
      server.call(message as JSONRPCRequestLike, (error, success) => {
        resolve(error ?? success ?? undefined);
      });
    });
}

async function logInfo(
  entries: LogEntries,
  logger: Logger,
  method: string,
  params: RequestParamsLike,
): Promise<string> {
  const input = paramsObject(params);
  return runWithRequestId(acceptRequestId(input?.request_id), async () => {
    const started = process.hrtime.bigint();
    const finished = (fields: object) =>
      logger.info(
        { transport: 'json-rpc', method, durationMs: elapsedMs(started), ...fields },
        'rpc call',
      );
    try {
      if (!input) {
        throw new ValidationError('params must be {"name","data"} or [{"name","data"}]');
      }
      const { name } = await entries.write(input);
      finished({ outcome: 'ok' });
      return `Processed payload via RPC: ${name}`;
    } catch (err) {
      const rpcError = toRpcError(err);
      finished({ outcome: 'error', code: rpcError.code, err: errorSummary(err) });
      if (rpcError.code === RPC_ERROR.INTERNAL_ERROR) logger.error({ err }, 'rpc call failed');
      throw rpcError;
    }
  });
}

/** Params are the entry itself or an array holding it (as Go's net/rpc clients send). */
function paramsObject(params: RequestParamsLike): Record<string, unknown> | undefined {
  const candidate = Array.isArray(params) && params.length === 1 ? params[0] : params;
  return typeof candidate === 'object' && candidate !== null && !Array.isArray(candidate)
    ? (candidate as Record<string, unknown>)
    : undefined;
}

function elapsedMs(started: bigint): number {
  return Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
}
