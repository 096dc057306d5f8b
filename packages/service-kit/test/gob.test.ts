import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  GOB_TYPE,
  GobError,
  GobReader,
  GobRpcClientCodec,
  GobRpcServerCodec,
  GobStreamDecoder,
  type GobStructType,
  GobWriter,
  gobField,
} from '../src/gob';

// Byte streams a real Go program wrote (fixtures/go-rpc-peer: `go-rpc-peer record`): a Go
// net/rpc client making five calls one at a time, and the Go net/rpc server answering them.
const streams = path.join(__dirname, '../../testing/go-rpc-peer/streams');
const goClientStream = readFileSync(path.join(streams, 'gob-client-to-server.bin'));
const goServerStream = readFileSync(path.join(streams, 'gob-server-to-client.bin'));

const RPC_PAYLOAD: GobStructType = {
  name: 'RPCPayload',
  fields: [
    { name: 'Name', typeId: GOB_TYPE.string },
    { name: 'Data', typeId: GOB_TYPE.string },
  ],
};
const limits = { maxMessageBytes: 1024 * 1024 };

const calls = [
  { method: 'RPCServer.LogInfo', name: 'first', data: 'hello from Go' },
  { method: 'RPCServer.LogInfo', name: 'second', data: '' },
  { method: 'RPCServer.LogInfo', name: 'fail-me', data: 'x' },
  { method: 'RPCServer.Nope', name: 'third', data: 'y' },
  { method: 'RPCServer.LogInfo', name: 'last', data: 'é'.repeat(100) },
];
const answers = [
  { reply: 'Processed payload via RPC: first' },
  { reply: 'Processed payload via RPC: second' },
  { error: 'go peer refuses fail-me' },
  { error: "rpc: can't find method RPCServer.Nope" },
  { reply: 'Processed payload via RPC: last' },
];

function decodeRequests(chunks: Buffer[]) {
  const codec = new GobRpcServerCodec(limits);
  const requests = chunks.flatMap((chunk) => codec.receive(chunk));
  return requests.map((request) => ({
    method: request.serviceMethod,
    seq: request.seq,
    name: gobField(request.body, 'Name'),
    data: gobField(request.body, 'Data'),
  }));
}

const byteByByte = (bytes: Buffer) => [...bytes].map((byte) => Buffer.from([byte]));

describe('gob net/rpc codec against streams a Go program produced', () => {
  const expectedRequests = calls.map((call, i) => ({ ...call, seq: BigInt(i) }));

  it('decodes the Go client stream: type definitions, headers and RPCPayload bodies', () => {
    expect(decodeRequests([goClientStream])).toEqual(expectedRequests);
  });

  it('decodes the same stream arriving one byte at a time', () => {
    expect(decodeRequests(byteByByte(goClientStream))).toEqual(expectedRequests);
  });

  it('encodes the answers byte for byte as the Go server did', () => {
    const codec = new GobRpcServerCodec(limits);
    const written = calls.map((call, i) => {
      const header = { serviceMethod: call.method, seq: BigInt(i) };
      const answer = answers[i]!;
      return answer.error
        ? codec.encodeError(header, answer.error)
        : codec.encodeReply(header, answer.reply!);
    });
    expect(Buffer.concat(written).toString('hex')).toBe(goServerStream.toString('hex'));
  });

  it('encodes the calls byte for byte as the Go client did', () => {
    const codec = new GobRpcClientCodec(RPC_PAYLOAD, limits);
    const written = calls.map((call, i) =>
      codec.encodeCall(i, call.method, { Name: call.name, Data: call.data }),
    );
    expect(Buffer.concat(written).toString('hex')).toBe(goClientStream.toString('hex'));
  });

  it('decodes the Go server stream: replies, errors and the empty struct sent with them', () => {
    const codec = new GobRpcClientCodec(RPC_PAYLOAD, limits);
    const responses = byteByByte(goServerStream).flatMap((chunk) => codec.receive(chunk));
    expect(
      responses.map((response) => ({
        seq: response.seq,
        error: response.error,
        reply: response.body.kind === 'scalar' ? response.body.value : undefined,
      })),
    ).toEqual(
      answers.map((answer, i) => ({
        seq: BigInt(i),
        error: answer.error ?? '',
        reply: answer.error ? undefined : answer.reply,
      })),
    );
    expect(responses[2]!.body).toEqual({
      kind: 'struct',
      type: { name: '', fields: [] },
      fields: new Map(),
    });
  });
});

describe('gob primitives', () => {
  it.each([
    [0n, '00'],
    [127n, '7f'],
    [128n, 'ff80'],
    [256n, 'fe0100'],
    [(1n << 64n) - 1n, 'f8ffffffffffffffff'],
  ])('writes and reads the unsigned integer %s as %s', (value, hex) => {
    expect(new GobWriter().uint(value).bytes().toString('hex')).toBe(hex);
    expect(new GobReader(Buffer.from(hex, 'hex')).readUint()).toBe(value);
  });

  it.each([
    [0n, '00'],
    [-1n, '01'],
    [6n, '0c'],
    [-64n, '7f'],
    [64n, 'ff80'],
    [-65n, 'ff81'],
  ])('writes and reads the signed integer %s as %s', (value, hex) => {
    expect(new GobWriter().int(value).bytes().toString('hex')).toBe(hex);
    expect(new GobReader(Buffer.from(hex, 'hex')).readInt()).toBe(value);
  });

  it('reads floats as Go writes them (bytes reversed)', () => {
    expect(new GobReader(Buffer.from('fe3140', 'hex')).readFloat()).toBe(17);
  });

  it('reads every scalar field kind of a struct and fills in zero values', () => {
    const message = new GobWriter()
      .int(-64)
      .uint(3)
      .uint(1)
      .uint(1)
      .string('T')
      .uint(1)
      .int(64)
      .uint(0)
      .uint(1)
      .uint(4);
    for (const [name, id] of [
      ['B', 1],
      ['I', 2],
      ['F', 4],
      ['S', 6],
    ] as const)
      message.uint(1).string(name).uint(1).int(id).uint(0);
    const definition = message.uint(0).uint(0).message();
    const value = new GobWriter()
      .int(64)
      .uint(1)
      .uint(1)
      .uint(1)
      .int(-5)
      .uint(1)
      .uint(0x3140)
      .uint(0)
      .message();
    const values = new GobStreamDecoder(limits).push(Buffer.concat([definition, value]));
    expect(values).toEqual([
      {
        kind: 'struct',
        type: expect.objectContaining({ name: 'T' }),
        fields: new Map<string, unknown>([
          ['B', true],
          ['I', -5n],
          ['F', 17],
          ['S', ''],
        ]),
      },
    ]);
  });
});

describe('gob bad input', () => {
  const requestDefinition = goClientStream.subarray(0, 1 + goClientStream[0]!);

  it.each([
    [
      'a value of a type never defined',
      new GobWriter().int(70).uint(0).message(),
      /unknown type id 70/,
    ],
    ['a length over the limit', Buffer.from('fc7fffffff', 'hex'), /over the limit/],
    ['a huge 8-byte length', Buffer.from('f8ffffffffffffffff', 'hex'), /over the limit/],
    ['an invalid length prefix', Buffer.from('80', 'hex'), /invalid message length prefix/],
    ['an empty message', Buffer.from('00', 'hex'), /empty message/],
    [
      'a slice type',
      new GobWriter().int(-64).uint(2).uint(1).uint(1).string('[]string').uint(0).uint(0).message(),
      /unsupported kind of type \(slice\)/,
    ],
    [
      'a struct with a field of another struct type',
      new GobWriter()
        .int(-64)
        .uint(3)
        .uint(2)
        .uint(1)
        .uint(1)
        .string('Inner')
        .uint(1)
        .int(65)
        .uint(0)
        .uint(0)
        .uint(0)
        .message(),
      /unsupported type \(id 65\)/,
    ],
    [
      'a definition with a reserved id',
      new GobWriter().int(-6).uint(3).uint(0).uint(0).message(),
      /reserved id 6/,
    ],
    [
      'a type defined twice',
      Buffer.concat([requestDefinition, requestDefinition]),
      /defined twice/,
    ],
    [
      'extra bytes after a value',
      Buffer.concat([requestDefinition, new GobWriter().int(64).uint(0).uint(0).message()]),
      /extra data/,
    ],
    [
      'a field number past the struct',
      Buffer.concat([requestDefinition, new GobWriter().int(64).uint(5).uint(0).message()]),
      /field number out of range/,
    ],
    ['a string longer than its message', Buffer.from('040c0009ff', 'hex'), /larger than the rest/],
    ['a message that ends inside an integer', Buffer.from('020cfe', 'hex'), /ends/],
  ])('throws a GobError on %s', (_, bytes, message) => {
    const decoder = new GobStreamDecoder(limits);
    expect(() => decoder.push(bytes)).toThrow(GobError);
    expect(() => new GobStreamDecoder(limits).push(bytes)).toThrow(message);
  });

  it('waits for the rest of a truncated stream without throwing', () => {
    const decoder = new GobStreamDecoder(limits);
    expect(decoder.push(goClientStream.subarray(0, 40))).toEqual([]);
    expect(decoder.buffered).toBe(40);
  });

  it('limits the number of type definitions in one stream', () => {
    const many = Array.from({ length: 5 }, (_, i) =>
      new GobWriter()
        .int(-(64 + i))
        .uint(3)
        .uint(0)
        .uint(0)
        .message(),
    );
    expect(() =>
      new GobStreamDecoder({ ...limits, maxTypes: 4 }).push(Buffer.concat(many)),
    ).toThrow(/more than 4 type definitions/);
  });

  it('refuses a request header of the wrong shape', () => {
    const codec = new GobRpcServerCodec(limits);
    expect(() =>
      codec.receive(new GobWriter().int(GOB_TYPE.string).uint(0).string('hi').message()),
    ).toThrow(/expected a request header/);
  });
});
