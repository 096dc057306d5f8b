import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { GO_RPC_PEER_SOURCE, goRpcPeerBinary } from '../src';

const run = promisify(execFile);

// The gob fixtures are what the project's Go program writes: recorded again here and compared,
// so a fixture cannot drift from real Go (and the Go peer the other tests use is built).
it('records the same byte streams as the committed fixtures', async () => {
  const binary = await goRpcPeerBinary();
  const out = mkdtempSync(path.join(tmpdir(), 'go-rpc-peer-'));
  try {
    await run(binary, ['record', '-out', out], { timeout: 30_000 });
    const committed = path.join(GO_RPC_PEER_SOURCE, 'streams');
    const files = readdirSync(committed).sort();
    expect(readdirSync(out).sort()).toEqual(files);
    for (const file of files) {
      expect(readFileSync(path.join(out, file)).toString('hex')).toBe(
        readFileSync(path.join(committed, file)).toString('hex'),
      );
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 240_000);
