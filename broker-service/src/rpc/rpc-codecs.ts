import { StringDecoder } from 'node:string_decoder';
import { type TraceCarrier } from '@ms/service-kit';
import { GOB_TYPE, GobRpcClientCodec, type GobStructType } from '@ms/service-kit/gob';
import { JsonStreamSplitter } from './json-stream';

/** How the broker speaks to the logger's RPC port: JSON-RPC 2.0, or Go's net/rpc with gob. */
export type RpcProtocol = 'jsonrpc' | 'gob';

/** An error the server answered a call with. */
export class RpcRemoteError extends Error {
  constructor(
    /** JSON-RPC's error code; gob errors are text only and carry none. */
    readonly code: number | undefined,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'RpcRemoteError';
  }
}

export interface RpcReply {
  id: number;
  result?: unknown;
  error?: RpcRemoteError;
}

/** One connection's encoding: calls out, replies in. Stateful (gob sends each type once). */
export interface RpcClientCodec {
  /** `trace`: the caller's W3C trace context, sent beside the params (see each codec). */
  encodeCall(
    id: number,
    method: string,
    params: Record<string, string>,
    trace?: TraceCarrier,
  ): string | Buffer;
  /** The replies completed by this chunk; throws when the stream is corrupt. */
  receive(chunk: Buffer): RpcReply[];
}

const MAX_MESSAGE_BYTES = 1024 * 1024;

interface JsonRpcResponse {
  id?: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown; data?: unknown };
}

/**
 * JSON-RPC 2.0: one JSON object a call, answers split by brace depth (any framing). The
 * trace context rides as members `traceparent` (and `tracestate`) of the request object:
 * JSON-RPC servers, Go's included, ignore members they do not know.
 */
export class JsonRpcClientCodec implements RpcClientCodec {
  private readonly text = new StringDecoder('utf8');
  private readonly splitter = new JsonStreamSplitter(MAX_MESSAGE_BYTES);

  encodeCall(
    id: number,
    method: string,
    params: Record<string, string>,
    trace: TraceCarrier = {},
  ): string {
    return `${JSON.stringify({ jsonrpc: '2.0', id, method, params, ...trace })}\n`;
  }

  receive(chunk: Buffer): RpcReply[] {
    const replies: RpcReply[] = [];
    for (const message of this.splitter.push(this.text.write(chunk))) {
      const parsed = JSON.parse(message) as JsonRpcResponse | JsonRpcResponse[];
      for (const response of Array.isArray(parsed) ? parsed : [parsed]) {
        if (typeof response?.id !== 'number') continue;
        if (response.error) {
          const { code, message: text, data } = response.error;
          replies.push({
            id: response.id,
            error: new RpcRemoteError(
              typeof code === 'number' ? code : -32603,
              typeof text === 'string' ? text : 'error',
              data,
            ),
          });
        } else {
          replies.push({ id: response.id, result: response.result });
        }
      }
    }
    return replies;
  }
}

/**
 * The Go original's argument type RPCPayload{Name, Data}, plus RequestID and TraceParent:
 * a Go server decoding into the original struct ignores fields it does not have, and this
 * project's logger takes the request id and the W3C trace context from them.
 */
const RPC_PAYLOAD: GobStructType = {
  name: 'RPCPayload',
  fields: [
    { name: 'Name', typeId: GOB_TYPE.string },
    { name: 'Data', typeId: GOB_TYPE.string },
    { name: 'RequestID', typeId: GOB_TYPE.string },
    { name: 'TraceParent', typeId: GOB_TYPE.string },
  ],
};

/** Go's net/rpc with gob, as rpc.Dial's client speaks it; ids are the calls' Seq. */
export class GobClientCodec implements RpcClientCodec {
  private readonly codec = new GobRpcClientCodec(RPC_PAYLOAD, {
    maxMessageBytes: MAX_MESSAGE_BYTES,
  });

  encodeCall(
    id: number,
    method: string,
    params: Record<string, string>,
    trace: TraceCarrier = {},
  ): Buffer {
    return this.codec.encodeCall(id, method, {
      Name: params.name,
      Data: params.data,
      RequestID: params.request_id,
      TraceParent: trace.traceparent,
    });
  }

  receive(chunk: Buffer): RpcReply[] {
    return this.codec.receive(chunk).map((response) => {
      const id = Number(response.seq);
      if (response.error) return { id, error: new RpcRemoteError(undefined, response.error) };
      if (response.body.kind !== 'scalar' || typeof response.body.value !== 'string') {
        return { id, error: new RpcRemoteError(undefined, 'reply is not a string') };
      }
      return { id, result: response.body.value };
    });
  }
}

export function createClientCodec(protocol: RpcProtocol): RpcClientCodec {
  return protocol === 'gob' ? new GobClientCodec() : new JsonRpcClientCodec();
}
