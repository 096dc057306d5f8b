import {
  type Logger,
  SpanKind,
  ValidationError,
  acceptRequestId,
  errorSummary,
  extractTraceContext,
  runInContext,
  runWithRequestId,
  withSpan,
} from '@ms/service-kit';
import { type GobRpcRequest, type GobValue } from '@ms/service-kit/gob';
import { type JSONRPCRequestLike, type RequestParamsLike, Server } from 'jayson/promise';
import type { LogEntries } from '../domain/log-entries';
import { RPC_ERROR, type RpcError, errorResponse, toRpcError } from './rpc-errors';
import type { GobCallHandler, RpcMessageHandler } from './rpc-server';

/** `LogInfo` is the method; `RPCServer.LogInfo` is the Go original's name for it. */
export const LOG_INFO_METHODS = ['LogInfo', 'RPCServer.LogInfo'] as const;

const MAX_BATCH_LENGTH = 100;

/** How a call arrived, for the `rpc call` log line. */
type Transport = 'json-rpc' | 'json-rpc-1.0' | 'gob';

export interface LogRpcHandlers {
  /** JSON-RPC 2.0 (jayson's rules) and 1.0 (Go's net/rpc/jsonrpc). */
  json: RpcMessageHandler;
  /** Go's net/rpc with gob. */
  gob: GobCallHandler;
}

export function logRpcHandlers(entries: LogEntries, logger: Logger): LogRpcHandlers {
  const call = (method: string, params: unknown, transport: Transport) =>
    logInfo(entries, logger, method, params, transport);
  return {
    json: jsonMessageHandler(createLogRpcServer(call), call),
    gob: async (request) => {
      if (!isLogInfo(request.serviceMethod)) {
        return { error: `rpc: can't find method ${request.serviceMethod}` };
      }
      const params = gobParams(request);
      try {
        return {
          reply: await runInContext(extractTraceContext({ traceparent: params?.traceparent }), () =>
            call(request.serviceMethod, params, 'gob'),
          ),
        };
      } catch (err) {
        return { error: (err as RpcError).message };
      }
    },
  };
}

type LogInfoCall = (method: string, params: unknown, transport: Transport) => Promise<string>;

/**
 * JSON-RPC 2.0 semantics (request validation, method lookup, batches, notifications,
 * error objects) come from jayson's Server; the transport is ours (see rpc-server).
 */
function createLogRpcServer(call: LogInfoCall): Server {
  const methods = Object.fromEntries(
    LOG_INFO_METHODS.map((method) => [
      method,
      (params: RequestParamsLike) => call(method, params, 'json-rpc'),
    ]),
  );
  return new Server(methods, { version: 2, maxBatchLength: MAX_BATCH_LENGTH });
}

/**
 * One parsed message in, one response (or none) out. A request object's `traceparent`
 * (and `tracestate`) member, which this project's broker adds, is the caller's trace: the
 * call runs in it. The members of a batch's requests are not read (a batch is one message).
 */
function jsonMessageHandler(server: Server, call: LogInfoCall): RpcMessageHandler {
  return async (message) => {
    // jayson would parse a JSON string a second time; a request is an object or a batch.
    if (typeof message !== 'object' || message === null) {
      return errorResponse(RPC_ERROR.INVALID_REQUEST, 'Invalid request');
    }
    return runInContext(extractTraceContext(Array.isArray(message) ? {} : message), () => {
      if (isJsonRpc1Request(message)) return jsonRpc1Answer(message, call);
      return new Promise<object | undefined>((resolve) => {
        server.call(message as JSONRPCRequestLike, (error, success) => {
          resolve(error ?? success ?? undefined);
        });
      });
    });
  };
}

interface JsonRpc1Request {
  method: string;
  params?: unknown;
  id: unknown;
}

/** JSON-RPC 1.0, as Go's net/rpc/jsonrpc client sends it: no "jsonrpc" member, always an id. */
function isJsonRpc1Request(message: object): message is JsonRpc1Request {
  return (
    !Array.isArray(message) &&
    !('jsonrpc' in message) &&
    'id' in message &&
    typeof (message as { method?: unknown }).method === 'string'
  );
}

/** 1.0 answers carry both members: the result and a null error, or a null result and an error string. */
async function jsonRpc1Answer(message: JsonRpc1Request, call: LogInfoCall): Promise<object> {
  const id = message.id ?? null;
  if (!isLogInfo(message.method)) {
    return { id, result: null, error: `rpc: can't find method ${message.method}` };
  }
  try {
    return { id, result: await call(message.method, message.params, 'json-rpc-1.0'), error: null };
  } catch (err) {
    return { id, result: null, error: (err as RpcError).message };
  }
}

function isLogInfo(method: string): boolean {
  return (LOG_INFO_METHODS as readonly string[]).includes(method);
}

/**
 * The body is the original's RPCPayload{Name, Data}; RequestID and TraceParent are this
 * project's additions (`request_id` and `traceparent` here, neither stored).
 */
function gobParams(request: GobRpcRequest): Record<string, unknown> | undefined {
  const body: GobValue = request.body;
  if (body.kind !== 'struct') return undefined;
  const params: Record<string, unknown> = {};
  for (const [field, value] of body.fields) {
    const lower = field.toLowerCase();
    params[lower === 'requestid' ? 'request_id' : lower === 'traceparent' ? lower : field] = value;
  }
  return params;
}

async function logInfo(
  entries: LogEntries,
  logger: Logger,
  method: string,
  params: unknown,
  transport: Transport,
): Promise<string> {
  const input = paramsObject(params);
  const attributes = {
    'rpc.system': transport === 'gob' ? 'go_net_rpc' : 'jsonrpc',
    'rpc.service': 'logger-service',
    'rpc.method': method,
  };
  const requestId = acceptRequestId(input?.request_id);
  const run = () =>
    runWithRequestId(requestId, async () => {
      const started = process.hrtime.bigint();
      const finished = (fields: object) =>
        logger.info({ transport, method, durationMs: elapsedMs(started), ...fields }, 'rpc call');
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
  // A server span, child of the caller's span when the request carried its context.
  return withSpan(method, { kind: SpanKind.SERVER, attributes }, run);
}

/**
 * Params are the entry itself or an array holding it (as Go's net/rpc clients send), with
 * the members named name/data or, as Go's field names, Name/Data.
 */
function paramsObject(params: unknown): Record<string, unknown> | undefined {
  const candidate = Array.isArray(params) && params.length === 1 ? params[0] : params;
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    return undefined;
  }
  const entry = { ...(candidate as Record<string, unknown>) };
  for (const [goName, name] of [
    ['Name', 'name'],
    ['Data', 'data'],
  ] as const) {
    if (goName in entry) {
      if (!(name in entry)) entry[name] = entry[goName];
      delete entry[goName];
    }
  }
  return entry;
}

function elapsedMs(started: bigint): number {
  return Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
}
