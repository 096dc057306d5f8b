import { GobError, GobReader, GobWriter } from './wire';

/** Go's predefined type ids of the scalar types this codec handles. */
export const GOB_TYPE = {
  bool: 1,
  int: 2,
  uint: 3,
  float: 4,
  bytes: 5,
  string: 6,
  complex: 7,
} as const;
type ScalarTypeId = (typeof GOB_TYPE)[keyof typeof GOB_TYPE];

/** Ids below this one are Go's own; a stream defines its types from here upwards. */
const FIRST_USER_TYPE_ID = 64;

/** bool, int and uint (bigint), float (number), bytes (Buffer), string, complex ([re, im]). */
export type GobScalar = boolean | bigint | number | Buffer | string | [number, number];

export interface GobField {
  name: string;
  typeId: number;
}

/** A struct whose fields are all scalars: what net/rpc's headers and simple arguments are. */
export interface GobStructType {
  name: string;
  fields: readonly GobField[];
}

/** One value of the stream: a struct (every field present, zero when not sent) or a scalar. */
export type GobValue =
  | { kind: 'struct'; type: GobStructType; fields: Map<string, GobScalar> }
  | { kind: 'scalar'; typeId: number; value: GobScalar };

export interface GobLimits {
  /** A message announced longer than this closes the stream. */
  maxMessageBytes: number;
  /** Type definitions one stream may send. */
  maxTypes?: number;
  /** Fields of one struct type. */
  maxFields?: number;
}

const DEFAULT_LIMITS = { maxTypes: 32, maxFields: 64 };

/**
 * Decodes a gob stream as it arrives: type definitions are kept (per stream, as in Go),
 * values are returned in order. Anything this subset does not know (slices, maps, nested
 * structs, interfaces, GobEncoder types) or that is malformed throws a GobError: the
 * stream cannot be resynchronised, so its connection must be closed.
 */
export class GobStreamDecoder {
  private readonly types = new Map<number, GobStructType>();
  private pending: Buffer = Buffer.alloc(0);
  private readonly limits: Required<GobLimits>;

  constructor(limits: GobLimits) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Bytes received that do not yet make a whole message. */
  get buffered(): number {
    return this.pending.length;
  }

  push(chunk: Buffer): GobValue[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const values: GobValue[] = [];
    for (;;) {
      const framed = this.nextMessage();
      if (!framed) break;
      const value = this.decodeMessage(framed);
      if (value) values.push(value);
    }
    return values;
  }

  private nextMessage(): Buffer | undefined {
    const bytes = this.pending;
    if (bytes.length === 0) return undefined;
    const first = bytes[0]!;
    const prefix = first < 0x80 ? 1 : 1 + (0x100 - first);
    if (first >= 0x80 && 0x100 - first > 8) {
      throw new GobError(`invalid message length prefix 0x${first.toString(16)}`);
    }
    if (bytes.length < prefix) return undefined;
    const length = new GobReader(bytes.subarray(0, prefix)).readUint();
    if (length === 0n) throw new GobError('empty message');
    if (length > BigInt(this.limits.maxMessageBytes)) {
      throw new GobError(
        `message of ${length} bytes is over the limit of ${this.limits.maxMessageBytes}`,
      );
    }
    const end = prefix + Number(length);
    if (bytes.length < end) return undefined;
    this.pending = bytes.subarray(end);
    return bytes.subarray(prefix, end);
  }

  private decodeMessage(body: Buffer): GobValue | undefined {
    const reader = new GobReader(body);
    const typeId = reader.readInt();
    let value: GobValue | undefined;
    if (typeId < 0n) {
      this.define(-typeId, reader);
    } else if (isScalarType(typeId)) {
      // A value that is not a struct travels as a struct's only field: delta 0, then the value.
      if (reader.readUint() !== 0n) throw new GobError('scalar value without its zero field delta');
      const id = Number(typeId) as ScalarTypeId;
      value = { kind: 'scalar', typeId: id, value: readScalar(reader, id) };
    } else {
      const type = this.types.get(Number(typeId));
      if (!type) throw new GobError(`value of unknown type id ${typeId}`);
      value = { kind: 'struct', type, fields: readStruct(reader, type) };
    }
    if (reader.remaining !== 0) throw new GobError('extra data at the end of a message');
    return value;
  }

  private define(id: bigint, reader: GobReader): void {
    if (id < BigInt(FIRST_USER_TYPE_ID) || id > 0x7fffffffn) {
      throw new GobError(`type definition with the reserved id ${id}`);
    }
    if (this.types.has(Number(id))) throw new GobError(`type id ${id} defined twice`);
    if (this.types.size >= this.limits.maxTypes) {
      throw new GobError(`more than ${this.limits.maxTypes} type definitions`);
    }
    // wireType{ArrayT, SliceT, StructT, MapT, GobEncoderT, BinaryMarshalerT, TextMarshalerT}
    let type: GobStructType | undefined;
    forEachField(reader, 7, (field) => {
      if (field !== 2) throw new GobError(`unsupported kind of type (${WIRE_KINDS[field]})`);
      type = this.readStructType(reader);
    });
    if (!type) throw new GobError('empty type definition');
    this.types.set(Number(id), type);
  }

  private readStructType(reader: GobReader): GobStructType {
    // structType{CommonType{Name string; Id int}; Field []fieldType{Name string; Id int}}
    let name = '';
    const fields: GobField[] = [];
    forEachField(reader, 2, (field) => {
      if (field === 0) {
        forEachField(reader, 2, (common) => {
          if (common === 0) name = reader.readString();
          else reader.readInt();
        });
        return;
      }
      const count = reader.readSize('field count');
      if (count > this.limits.maxFields) {
        throw new GobError(`struct with ${count} fields (at most ${this.limits.maxFields})`);
      }
      for (let i = 0; i < count; i++) {
        let fieldName = '';
        let typeId = 0n;
        forEachField(reader, 2, (part) => {
          if (part === 0) fieldName = reader.readString();
          else typeId = reader.readInt();
        });
        if (!isScalarType(typeId)) {
          throw new GobError(
            `field ${fieldName} of ${name || 'struct'} has an unsupported type (id ${typeId})`,
          );
        }
        fields.push({ name: fieldName, typeId: Number(typeId) });
      }
    });
    return { name, fields };
  }
}

const WIRE_KINDS = [
  'array',
  'slice',
  'struct',
  'map',
  'GobEncoder',
  'BinaryMarshaler',
  'TextMarshaler',
];

function isScalarType(typeId: bigint): boolean {
  return typeId >= 1n && typeId <= 7n;
}

/** Reads a struct's (field delta, value) pairs up to the closing 0; `visit` reads each value. */
function forEachField(reader: GobReader, fieldCount: number, visit: (field: number) => void): void {
  let field = -1;
  for (;;) {
    const delta = reader.readUint();
    if (delta === 0n) return;
    if (delta > BigInt(fieldCount - 1 - field)) throw new GobError('field number out of range');
    field += Number(delta);
    visit(field);
  }
}

function readStruct(reader: GobReader, type: GobStructType): Map<string, GobScalar> {
  const fields = new Map<string, GobScalar>();
  for (const field of type.fields) fields.set(field.name, zeroOf(field.typeId));
  forEachField(reader, type.fields.length, (index) => {
    const field = type.fields[index]!;
    fields.set(field.name, readScalar(reader, field.typeId));
  });
  return fields;
}

function readScalar(reader: GobReader, typeId: number): GobScalar {
  switch (typeId) {
    case GOB_TYPE.bool: {
      const value = reader.readUint();
      if (value > 1n) throw new GobError(`invalid bool ${value}`);
      return value === 1n;
    }
    case GOB_TYPE.int:
      return reader.readInt();
    case GOB_TYPE.uint:
      return reader.readUint();
    case GOB_TYPE.float:
      return reader.readFloat();
    case GOB_TYPE.bytes:
      return Buffer.from(reader.readBytes());
    case GOB_TYPE.string:
      return reader.readString();
    case GOB_TYPE.complex:
      return [reader.readFloat(), reader.readFloat()];
    default:
      throw new GobError(`unsupported type id ${typeId}`);
  }
}

function zeroOf(typeId: number): GobScalar {
  switch (typeId) {
    case GOB_TYPE.bool:
      return false;
    case GOB_TYPE.int:
    case GOB_TYPE.uint:
      return 0n;
    case GOB_TYPE.float:
      return 0;
    case GOB_TYPE.bytes:
      return Buffer.alloc(0);
    case GOB_TYPE.complex:
      return [0, 0];
    default:
      return '';
  }
}

function isZero(value: GobScalar): boolean {
  if (Array.isArray(value)) return value[0] === 0 && value[1] === 0;
  if (Buffer.isBuffer(value)) return value.length === 0;
  return value === '' || value === 0n || value === 0 || value === false;
}

/**
 * Encodes values onto one gob stream as Go's Encoder does: a struct type's definition goes
 * once, before its first value, with ids from 64 up; zero fields are left out. Only string,
 * uint, int and bool fields are written (what net/rpc's headers and simple payloads use).
 */
export class GobStreamEncoder {
  private nextId = FIRST_USER_TYPE_ID;
  private readonly ids = new Map<GobStructType, number>();

  /** The messages for one struct value (with its type definition if not sent yet). */
  encodeStruct(
    type: GobStructType,
    values: Readonly<Record<string, GobScalar | undefined>>,
  ): Buffer {
    const messages: Buffer[] = [];
    let id = this.ids.get(type);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(type, id);
      messages.push(definition(id, type));
    }
    const writer = new GobWriter().int(id);
    let last = -1;
    type.fields.forEach((field, index) => {
      const value = values[field.name];
      if (value === undefined || isZero(value)) return;
      writer.uint(index - last);
      last = index;
      writeScalar(writer, field.typeId, value);
    });
    messages.push(writer.uint(0).message());
    return Buffer.concat(messages);
  }

  /** The message for one string value (a predefined type: no definition). */
  encodeString(value: string): Buffer {
    return new GobWriter().int(GOB_TYPE.string).uint(0).string(value).message();
  }
}

function definition(id: number, type: GobStructType): Buffer {
  const writer = new GobWriter().int(-id);
  writer.uint(3); // wireType.StructT
  writer.uint(1); // structType.CommonType
  if (type.name) writer.uint(1).string(type.name).uint(1);
  else writer.uint(2);
  writer.int(id).uint(0);
  if (type.fields.length > 0) {
    writer.uint(1).uint(type.fields.length); // structType.Field
    for (const field of type.fields)
      writer.uint(1).string(field.name).uint(1).int(field.typeId).uint(0);
  }
  return writer.uint(0).uint(0).message();
}

function writeScalar(writer: GobWriter, typeId: number, value: GobScalar): void {
  switch (typeId) {
    case GOB_TYPE.string:
      if (typeof value !== 'string') throw new TypeError('gob: string field needs a string');
      writer.string(value);
      return;
    case GOB_TYPE.uint:
      writer.uint(value as bigint | number);
      return;
    case GOB_TYPE.int:
      writer.int(value as bigint | number);
      return;
    case GOB_TYPE.bool:
      writer.uint(value ? 1 : 0);
      return;
    default:
      throw new TypeError(`gob: this encoder does not write type id ${typeId}`);
  }
}
