import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sniffProtocol } from '../../src/rpc/protocol-sniffer';

const goClientStream = readFileSync(
  path.join(__dirname, '../../../packages/testing/go-rpc-peer/streams/gob-client-to-server.bin'),
);

describe('sniffProtocol', () => {
  it('recognises a Go net/rpc client from its first bytes, waiting for enough of them', () => {
    expect(sniffProtocol(goClientStream)).toBe('gob');
    expect(sniffProtocol(goClientStream.subarray(0, 2))).toBe('gob');
    expect(sniffProtocol(goClientStream.subarray(0, 1))).toBeUndefined();
    expect(sniffProtocol(Buffer.alloc(0))).toBeUndefined();
    // A longer first message: a two-byte length, the definition of type id 65.
    expect(sniffProtocol(Buffer.from('ff90ff81', 'hex'))).toBe('gob');
    expect(sniffProtocol(Buffer.from('ff90ff', 'hex'))).toBeUndefined();
  });

  it.each([
    ['JSON-RPC 2.0', '{"jsonrpc":"2.0","id":1}'],
    ['Go jsonrpc (1.0)', '{"method":"RPCServer.LogInfo","params":[{}],"id":0}'],
    ['a batch', '[{"jsonrpc":"2.0"}]'],
    ['leading blanks (a gob length of 32 or 10 would look like them)', '  \n {"id":1}'],
    ['a tab then a brace', '\t{'],
    ['garbage', 'HELO smtp.example.com'],
    ['a TLS hello', Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff])],
    ['an impossible length prefix', Buffer.from([0x90, 0x01])],
  ])('sends %s to the JSON reader', (_, bytes) => {
    expect(sniffProtocol(Buffer.from(bytes))).toBe('json');
  });
});
