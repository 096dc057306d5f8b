export type RpcWireProtocol = 'json' | 'gob';

/** Go's gob numbers the types a stream defines from 64 up; a definition's id is negative. */
const FIRST_GOB_USER_TYPE = 64n;

/**
 * Tells the protocol of a connection from its first bytes, or undefined while more are
 * needed (at most 18). A Go net/rpc (gob) client starts with a message length, then the
 * definition of its request header type: a negative type id of -64 or below, whose first
 * byte is 0x7f or 0xf8-0xff. JSON (JSON-RPC 2.0 or 1.0) has only ASCII below 0x7f in those
 * places, so it can never look like gob; anything that is not gob goes to the JSON reader,
 * which refuses garbage with a parse error.
 */
export function sniffProtocol(bytes: Buffer): RpcWireProtocol | undefined {
  const length = readUint(bytes, 0);
  if (length === undefined) return undefined;
  if (length === null) return 'json';
  const typeId = readUint(bytes, length.next);
  if (typeId === undefined) return undefined;
  if (typeId === null) return 'json';
  const signed = typeId.value & 1n ? ~(typeId.value >> 1n) : typeId.value >> 1n;
  return signed <= -FIRST_GOB_USER_TYPE ? 'gob' : 'json';
}

/** A gob unsigned integer at `offset`: undefined when cut short, null when not one. */
function readUint(
  bytes: Buffer,
  offset: number,
): { value: bigint; next: number } | undefined | null {
  if (bytes.length <= offset) return undefined;
  const first = bytes[offset]!;
  if (first < 0x80) return { value: BigInt(first), next: offset + 1 };
  const count = 0x100 - first;
  if (count > 8) return null;
  if (bytes.length < offset + 1 + count) return undefined;
  let value = 0n;
  for (let i = 1; i <= count; i++) value = (value << 8n) | BigInt(bytes[offset + i]!);
  return { value, next: offset + 1 + count };
}
