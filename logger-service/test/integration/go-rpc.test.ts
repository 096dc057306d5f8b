import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';

import { goRpcCall, goRpcPeerBinary, uniqueName } from '@ms/testing';
import { JsonRpcTestClient } from '../support/json-rpc-client';
import { useLoggerWithDatabase } from '../support/logger-under-test';

// The real Go clients of the original (net/rpc with gob, net/rpc/jsonrpc), built from the
// project's Go peer, against a real logger storing in FerretDB.
const system = useLoggerWithDatabase();
let address: string;

beforeAll(async () => {
  await goRpcPeerBinary(); // builds once per source version; fails with how to install Go
  address = `127.0.0.1:${system.logger.rpcPort}`;
}, 240_000);

describe.each(['gob', 'jsonrpc'] as const)('a Go %s client on port 5001', (codec) => {
  it('calls RPCServer.LogInfo several times on one connection and each entry is stored', async () => {
    const name = uniqueName(`go_${codec}`);
    const results = await goRpcCall(address, { codec, name, calls: 5 });
    expect(results).toEqual(
      Array.from({ length: 5 }, (_, i) => ({ i, reply: `Processed payload via RPC: ${name}` })),
    );
    expect(await system.database.count({ name })).toBe(5);
    const stored = await system.database.db.collection('logs').find({ name }).toArray();
    expect(stored.map((entry) => entry.data).sort()).toEqual(
      ['call 0', 'call 1', 'call 2', 'call 3', 'call 4'].sort(),
    );
    expect(system.logger.logs.lines).toContainEqual(
      expect.objectContaining({
        msg: 'rpc call',
        transport: codec === 'gob' ? 'gob' : 'json-rpc-1.0',
        method: 'RPCServer.LogInfo',
        outcome: 'ok',
      }),
    );
  });

  it('makes 100 calls on one connection, 25 at a time, each stored once', async () => {
    const name = uniqueName(`go_${codec}_burst`);
    const results = await goRpcCall(address, { codec, name, calls: 100, parallel: 25 });
    expect(results.filter((r) => r.reply === `Processed payload via RPC: ${name}`)).toHaveLength(
      100,
    );
    expect(await system.database.count({ name })).toBe(100);
  });

  it('gets invalid entries and unknown methods back as Go errors', async () => {
    const [invalid] = await goRpcCall(address, { codec, name: '' });
    expect(invalid!.error).toMatch(/^Invalid params: name/);
    const [unknown] = await goRpcCall(address, { codec, name: 'n', method: 'RPCServer.Nope' });
    expect(unknown!.error).toBe("rpc: can't find method RPCServer.Nope");
    const [alias] = await goRpcCall(address, { codec, name: uniqueName('go'), method: 'LogInfo' });
    expect(alias!.reply).toMatch(/^Processed payload via RPC: /);
  });
});

it('serves Go gob, Go jsonrpc and JSON-RPC 2.0 clients at the same time', async () => {
  const name = uniqueName('go_mixed');
  const jsonClient = await JsonRpcTestClient.connect(system.logger.rpcPort);
  try {
    const [gob, jsonrpc, json2] = await Promise.all([
      goRpcCall(address, { codec: 'gob', name, calls: 40, parallel: 10 }),
      goRpcCall(address, { codec: 'jsonrpc', name, calls: 40, parallel: 10 }),
      Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          jsonClient.call('LogInfo', { name, data: `json ${i}` }),
        ),
      ),
    ]);
    expect(gob.every((r) => r.error === undefined)).toBe(true);
    expect(jsonrpc.every((r) => r.error === undefined)).toBe(true);
    expect(json2.every((r) => r.result === `Processed payload via RPC: ${name}`)).toBe(true);
  } finally {
    jsonClient.close();
  }
  expect(await system.database.count({ name })).toBe(120);
});

it('closes a connection sending a bad gob stream, with a log line, while a Go client keeps working', async () => {
  const goClientStream = readFileSync(
    path.join(__dirname, '../../../packages/testing/go-rpc-peer/streams/gob-client-to-server.bin'),
  );
  const requestDefinition = goClientStream.subarray(0, 1 + goClientStream[0]!);
  const name = uniqueName('go_beside_bad');
  const badClosed = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ port: system.logger.rpcPort, host: '127.0.0.1' }, () => {
      // A valid definition, then a message announcing 16 MiB.
      socket.write(Buffer.concat([requestDefinition, Buffer.from('fc01000000ff80', 'hex')]));
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
  });
  const [results, badAnswer] = await Promise.all([
    goRpcCall(address, { codec: 'gob', name, calls: 20, parallel: 5 }),
    badClosed,
  ]);
  expect(badAnswer.length).toBe(0);
  expect(system.logger.logs.lines).toContainEqual(
    expect.objectContaining({
      msg: expect.stringMatching(/^rpc connection closed: gob: message of 16777216 bytes/),
      protocol: 'gob',
    }),
  );
  expect(results.every((r) => r.reply === `Processed payload via RPC: ${name}`)).toBe(true);
  expect(await system.database.count({ name })).toBe(20);
  // And the bad stream cost nothing else: a new Go client is served.
  const [after] = await goRpcCall(address, { codec: 'gob', name: uniqueName('go_after') });
  expect(after!.error).toBeUndefined();
});
