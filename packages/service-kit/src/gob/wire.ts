/**
 * Primitives of Go's gob encoding (encoding/gob), the subset net/rpc needs.
 * An unsigned integer below 128 is one byte; a larger one is a byte holding the negated
 * count of the big-endian bytes that follow (at most 8). A signed integer is an unsigned
 * one with the sign in its lowest bit; a string is its byte length and the bytes.
 */

/** Bad or unsupported gob input: the stream cannot go on and its connection is closed. */
export class GobError extends Error {
  constructor(message: string) {
    super(`gob: ${message}`);
    this.name = 'GobError';
  }
}

const MAX_UINT64 = (1n << 64n) - 1n;

/** Reads gob primitives from one complete message. */
export class GobReader {
  private offset = 0;

  constructor(private readonly bytes: Buffer) {}

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  readUint(): bigint {
    const first = this.byte();
    if (first < 0x80) return BigInt(first);
    const count = 0x100 - first;
    if (count > 8) throw new GobError(`invalid unsigned integer prefix 0x${first.toString(16)}`);
    if (count > this.remaining) throw new GobError('message ends inside an integer');
    let value = 0n;
    for (let i = 0; i < count; i++) value = (value << 8n) | BigInt(this.byte());
    return value;
  }

  /** An unsigned integer that must fit a JavaScript number (lengths, counts, deltas). */
  readSize(what: string): number {
    const value = this.readUint();
    if (value > BigInt(this.remaining)) {
      throw new GobError(`${what} ${value} is larger than the rest of the message`);
    }
    return Number(value);
  }

  readInt(): bigint {
    const u = this.readUint();
    return u & 1n ? ~(u >> 1n) : u >> 1n;
  }

  readBytes(): Buffer {
    const length = this.readSize('byte length');
    const slice = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  readString(): string {
    return this.readBytes().toString('utf8');
  }

  readFloat(): number {
    // Go sends the float64 bits byte-reversed, so small exponents encode short.
    let bits = this.readUint();
    let reversed = 0n;
    for (let i = 0; i < 8; i++) {
      reversed = (reversed << 8n) | (bits & 0xffn);
      bits >>= 8n;
    }
    const view = new DataView(new ArrayBuffer(8));
    view.setBigUint64(0, reversed);
    return view.getFloat64(0);
  }

  private byte(): number {
    if (this.offset >= this.bytes.length) throw new GobError('message ends too early');
    return this.bytes[this.offset++]!;
  }
}

/** Builds one gob message body. */
export class GobWriter {
  private readonly parts: Buffer[] = [];

  uint(value: bigint | number): this {
    const n = BigInt(value);
    if (n < 0n || n > MAX_UINT64) throw new RangeError(`not a uint64: ${n}`);
    if (n < 0x80n) {
      this.parts.push(Buffer.from([Number(n)]));
      return this;
    }
    const bytes: number[] = [];
    for (let rest = n; rest > 0n; rest >>= 8n) bytes.unshift(Number(rest & 0xffn));
    this.parts.push(Buffer.from([0x100 - bytes.length, ...bytes]));
    return this;
  }

  int(value: bigint | number): this {
    const n = BigInt(value);
    return this.uint(n < 0n ? (~n << 1n) | 1n : n << 1n);
  }

  string(value: string): this {
    const bytes = Buffer.from(value, 'utf8');
    this.uint(bytes.length);
    this.parts.push(bytes);
    return this;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }

  /** The body with its length in front: one message of the stream. */
  message(): Buffer {
    const body = this.bytes();
    return Buffer.concat([new GobWriter().uint(body.length).bytes(), body]);
  }
}
