import { mapRemoteError } from '../../src/rpc/logger-rpc-client';
import { RpcRemoteError } from '../../src/rpc/rpc-codecs';

describe('gob error texts (no code) map like the JSON-RPC codes', () => {
  it.each([
    ['Invalid params: name: must not be empty', 400, 'name: must not be empty'],
    ['log store unavailable', 503, 'logger service unavailable'],
    ['logger busy, try again later', 503, 'logger service unavailable'],
    ['log write timed out after 2500 ms', 504, 'logger service timed out'],
    ['mongo: no reachable servers', 502, 'logger service answered with an error'],
  ])('%s -> %i', (text, status, message) => {
    expect(mapRemoteError(new RpcRemoteError(undefined, text))).toMatchObject({ status, message });
  });
});
