import {
  GOB_TYPE,
  type GobLimits,
  type GobScalar,
  GobStreamDecoder,
  GobStreamEncoder,
  type GobStructType,
  type GobValue,
} from './stream';
import { GobError } from './wire';

/** net/rpc's request header: rpc.Request{ServiceMethod string; Seq uint64}. */
export const GOB_RPC_REQUEST: GobStructType = {
  name: 'Request',
  fields: [
    { name: 'ServiceMethod', typeId: GOB_TYPE.string },
    { name: 'Seq', typeId: GOB_TYPE.uint },
  ],
};

/** net/rpc's response header: rpc.Response{ServiceMethod string; Seq uint64; Error string}. */
export const GOB_RPC_RESPONSE: GobStructType = {
  name: 'Response',
  fields: [
    { name: 'ServiceMethod', typeId: GOB_TYPE.string },
    { name: 'Seq', typeId: GOB_TYPE.uint },
    { name: 'Error', typeId: GOB_TYPE.string },
  ],
};

/** The body Go's server sends with an error (its `invalidRequest`, a struct{}). */
const EMPTY_STRUCT: GobStructType = { name: '', fields: [] };

export interface GobRpcHeader {
  serviceMethod: string;
  /** Echoed back as received (a Go client counts from 0). */
  seq: bigint;
}

export interface GobRpcRequest extends GobRpcHeader {
  body: GobValue;
}

export interface GobRpcResponse extends GobRpcHeader {
  /** Empty on success. */
  error: string;
  body: GobValue;
}

/** A struct field by name, as the given JavaScript type, or undefined. */
export function gobField(value: GobValue, name: string): GobScalar | undefined {
  return value.kind === 'struct' ? value.fields.get(name) : undefined;
}

function header(value: GobValue, what: string): GobRpcHeader & { error: string } {
  const serviceMethod = gobField(value, 'ServiceMethod');
  const seq = gobField(value, 'Seq');
  const error = gobField(value, 'Error') ?? '';
  if (typeof serviceMethod !== 'string' || typeof seq !== 'bigint' || typeof error !== 'string') {
    throw new GobError(`expected a ${what} header {ServiceMethod string; Seq uint64}`);
  }
  return { serviceMethod, seq, error };
}

/** net/rpc sends each request and each response as two gob values: a header, then a body. */
class HeaderBodyReader<H> {
  private readonly decoder: GobStreamDecoder;
  private header: H | undefined;

  constructor(
    limits: GobLimits,
    private readonly readHeader: (value: GobValue) => H,
  ) {
    this.decoder = new GobStreamDecoder(limits);
  }

  get buffered(): number {
    return this.decoder.buffered;
  }

  /** Complete messages in the bytes received so far; throws GobError on a bad stream. */
  receive(chunk: Buffer): (H & { body: GobValue })[] {
    const messages: (H & { body: GobValue })[] = [];
    for (const value of this.decoder.push(chunk)) {
      if (this.header) {
        messages.push({ ...this.header, body: value });
        this.header = undefined;
      } else {
        this.header = this.readHeader(value);
      }
    }
    return messages;
  }
}

/**
 * The server side of Go's net/rpc gob codec on one connection: requests are a header value
 * followed by a body value; each response is a header, then the reply (or, with an error,
 * an empty struct, as Go's server sends).
 */
export class GobRpcServerCodec {
  private readonly reader: HeaderBodyReader<GobRpcHeader>;
  private readonly encoder = new GobStreamEncoder();

  constructor(limits: GobLimits) {
    this.reader = new HeaderBodyReader(limits, (value) => {
      const { serviceMethod, seq } = header(value, 'request');
      return { serviceMethod, seq };
    });
  }

  get buffered(): number {
    return this.reader.buffered;
  }

  /** Complete requests in the bytes received so far; throws GobError on a bad stream. */
  receive(chunk: Buffer): GobRpcRequest[] {
    return this.reader.receive(chunk);
  }

  /** Must be written in the order encoded: the first use of a type carries its definition. */
  encodeReply(request: GobRpcHeader, reply: string): Buffer {
    return Buffer.concat([
      this.encoder.encodeStruct(GOB_RPC_RESPONSE, {
        ServiceMethod: request.serviceMethod,
        Seq: request.seq,
      }),
      this.encoder.encodeString(reply),
    ]);
  }

  encodeError(request: GobRpcHeader, error: string): Buffer {
    return Buffer.concat([
      this.encoder.encodeStruct(GOB_RPC_RESPONSE, {
        ServiceMethod: request.serviceMethod,
        Seq: request.seq,
        // Go's client takes an empty Error for success.
        Error: error || 'error',
      }),
      this.encoder.encodeStruct(EMPTY_STRUCT, {}),
    ]);
  }
}

/** The client side of Go's net/rpc gob codec on one connection. */
export class GobRpcClientCodec {
  private readonly reader: HeaderBodyReader<GobRpcHeader & { error: string }>;
  private readonly encoder = new GobStreamEncoder();

  /** `bodyType` is the argument struct, e.g. the original's RPCPayload{Name, Data}. */
  constructor(
    private readonly bodyType: GobStructType,
    limits: GobLimits,
  ) {
    this.reader = new HeaderBodyReader(limits, (value) => header(value, 'response'));
  }

  encodeCall(
    seq: bigint | number,
    serviceMethod: string,
    body: Record<string, GobScalar | undefined>,
  ): Buffer {
    return Buffer.concat([
      this.encoder.encodeStruct(GOB_RPC_REQUEST, {
        ServiceMethod: serviceMethod,
        Seq: BigInt(seq),
      }),
      this.encoder.encodeStruct(this.bodyType, body),
    ]);
  }

  /** Complete responses in the bytes received so far; throws GobError on a bad stream. */
  receive(chunk: Buffer): GobRpcResponse[] {
    return this.reader.receive(chunk);
  }
}
