import { TimeoutError, UnavailableError, ValidationError } from '@ms/service-kit';

/** JSON-RPC 2.0 error codes: the standard ones and this server's own (-32000 to -32099). */
export const RPC_ERROR = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  STORE_UNAVAILABLE: -32000,
  STORE_TIMEOUT: -32001,
} as const;

export interface RpcError {
  code: number;
  message: string;
}

/** Client-facing JSON-RPC error for anything the domain throws; details stay in the log. */
export function toRpcError(err: unknown): RpcError {
  if (err instanceof ValidationError) {
    return { code: RPC_ERROR.INVALID_PARAMS, message: `Invalid params: ${err.message}` };
  }
  if (err instanceof UnavailableError) {
    return { code: RPC_ERROR.STORE_UNAVAILABLE, message: err.message };
  }
  if (err instanceof TimeoutError) {
    return { code: RPC_ERROR.STORE_TIMEOUT, message: err.message };
  }
  return { code: RPC_ERROR.INTERNAL_ERROR, message: 'Internal error' };
}

export function errorResponse(code: number, message: string, id: unknown = null): object {
  return { jsonrpc: '2.0', error: { code, message }, id };
}
