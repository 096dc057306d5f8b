import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { REPO_ROOT } from './infra';
import { eventually } from './wait';

const run = promisify(execFile);

/** The project's Go peer for the RPC interoperability tests (standard library only). */
export const GO_RPC_PEER_SOURCE = path.join(REPO_ROOT, 'packages/testing/go-rpc-peer');

const INSTALL_GO =
  'the Go RPC tests build a small Go program (packages/testing/go-rpc-peer) ' +
  'and need the Go toolchain (1.22 or later): install it (Debian: `apt-get install golang-go`; ' +
  'or unpack the official tarball into /usr/local/go) and put `go` on PATH, or set GO=/path/to/go';

async function findGo(): Promise<string> {
  for (const candidate of [process.env.GO, 'go', '/usr/local/go/bin/go']) {
    if (!candidate) continue;
    try {
      await run(candidate, ['version'], { timeout: 10_000 });
      return candidate;
    } catch {
      // not this one
    }
  }
  throw new Error(`Go toolchain not found: ${INSTALL_GO}`);
}

let building: Promise<string> | undefined;

/**
 * Builds the Go peer once per source version into ~/.cache/ts-microservices/bin (keyed by
 * the hash of its source, written under a temporary name and renamed, so parallel test
 * files and Node majors share one binary) and returns its path.
 */
export function goRpcPeerBinary(): Promise<string> {
  building ??= (async () => {
    const hash = createHash('sha256');
    for (const file of ['go.mod', 'main.go']) {
      hash.update(readFileSync(path.join(GO_RPC_PEER_SOURCE, file)));
    }
    const dir = path.join(homedir(), '.cache/ts-microservices/bin');
    const binary = path.join(dir, `go-rpc-peer-${hash.digest('hex').slice(0, 16)}`);
    if (existsSync(binary)) return binary;
    const go = await findGo();
    mkdirSync(dir, { recursive: true });
    const temporary = `${binary}.${process.pid}.tmp`;
    try {
      await run(go, ['build', '-o', temporary, '.'], {
        cwd: GO_RPC_PEER_SOURCE,
        timeout: 180_000,
        env: { ...process.env, GOFLAGS: '-buildvcs=false', GOTOOLCHAIN: 'local' },
      });
      renameSync(temporary, binary);
    } catch (err) {
      rmSync(temporary, { force: true });
      const detail = (err as { stderr?: string }).stderr || (err as Error).message;
      throw new Error(`building the Go RPC peer with ${go} failed: ${detail}`, { cause: err });
    }
    return binary;
  })();
  building.catch(() => {
    building = undefined;
  });
  return building;
}

export interface GoCallResult {
  i: number;
  reply: string;
  error?: string;
}

export interface GoCallOptions {
  codec: 'gob' | 'jsonrpc';
  method?: string;
  name: string;
  data?: string;
  calls?: number;
  parallel?: number;
  timeoutMs?: number;
}

/** Runs `go-rpc-peer call`: a Go net/rpc (or net/rpc/jsonrpc) client, K calls on one connection. */
export async function goRpcCall(address: string, options: GoCallOptions): Promise<GoCallResult[]> {
  const binary = await goRpcPeerBinary();
  const args = ['call', '-addr', address, '-codec', options.codec, '-name', options.name];
  if (options.method) args.push('-method', options.method);
  if (options.data !== undefined) args.push('-data', options.data);
  args.push('-calls', String(options.calls ?? 1), '-parallel', String(options.parallel ?? 1));
  const { stdout } = await run(binary, args, { timeout: options.timeoutMs ?? 30_000 });
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as GoCallResult)
    .sort((a, b) => a.i - b.i);
}

/** `go-rpc-peer serve`: a Go net/rpc server of RPCServer.LogInfo, as the original logger has. */
export class GoRpcServer {
  /** Each payload the Go server received, in order. */
  readonly received: { name: string; data: string }[] = [];
  address = '';
  private child: ChildProcess | undefined;

  static async start(codec: 'gob' | 'jsonrpc' = 'gob'): Promise<GoRpcServer> {
    const server = new GoRpcServer();
    const child = spawn(await goRpcPeerBinary(), ['serve', '-codec', codec], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    server.child = child;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const message = JSON.parse(line) as { listening?: string; name: string; data: string };
      if (message.listening) server.address = message.listening;
      else server.received.push({ name: message.name, data: message.data });
    });
    await eventually(() => server.address !== '' || child.exitCode !== null, {
      what: 'the Go RPC server to listen',
    });
    if (!server.address) throw new Error('the Go RPC server exited at start-up');
    return server;
  }

  get port(): number {
    return Number(this.address.slice(this.address.lastIndexOf(':') + 1));
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
