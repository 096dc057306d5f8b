import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import path from 'node:path';
import { eventually } from '@ms/testing';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const BROKER_MAIN = path.join(REPO_ROOT, 'broker-service/dist/main.js');
const KIT_MAIN = path.join(REPO_ROOT, 'packages/service-kit/dist/index.js');

export interface NodeRuntime {
  major: string;
  /** The directory holding its `node` binary. */
  bin: string;
}

/**
 * The Node runtimes CI tests, one per major (project/infra/node.sh --tested: the machine's
 * own node for its major, the pinned binary from the npm registry otherwise, installed
 * into the cache if missing). Synchronous, so that tests can be generated per runtime.
 */
export function testedNodeRuntimes(): NodeRuntime[] {
  const output = execFileSync('bash', [path.join(REPO_ROOT, 'project/infra/node.sh'), '--tested'], {
    encoding: 'utf8',
    timeout: 300_000,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return output
    .trim()
    .split('\n')
    .map((line) => {
      const [major = '', bin = ''] = line.split(' ');
      return { major, bin };
    });
}

/**
 * Fails with the command to run when the production build is missing or older than the
 * source, so the test never passes on a build of other code.
 */
export function requireFreshBuild(): void {
  const build = 'npm run build -w packages/service-kit -w broker-service';
  for (const [main, src] of [
    [BROKER_MAIN, 'broker-service/src'],
    [KIT_MAIN, 'packages/service-kit/src'],
  ] as const) {
    let built: number;
    try {
      built = statSync(main).mtimeMs;
    } catch {
      throw new Error(`${path.relative(REPO_ROOT, main)} is missing; run \`${build}\` first`);
    }
    if (newestSource(path.join(REPO_ROOT, src)) > built) {
      throw new Error(`${path.relative(REPO_ROOT, main)} is older than ${src}; run \`${build}\``);
    }
  }
}

function newestSource(dir: string): number {
  const output = execFileSync('find', [dir, '-name', '*.ts', '-printf', '%T@\\n'], {
    encoding: 'utf8',
  });
  return Math.max(
    ...output
      .split('\n')
      .filter(Boolean)
      .map((seconds) => Number(seconds) * 1000),
  );
}

export interface BrokerBuildProcess {
  url: string;
  /** The broker's log so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** `node broker-service/dist/main.js` on the given runtime, on a free port. */
export async function startBrokerBuild(
  runtime: NodeRuntime,
  env: Record<string, string>,
): Promise<BrokerBuildProcess> {
  const child: ChildProcess = spawn(path.join(runtime.bin, 'node'), [BROKER_MAIN], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PATH: `${runtime.bin}:${process.env.PATH ?? ''}`,
      NODE_ENV: 'production',
      PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
  };
  try {
    const port = await eventually(
      () => {
        if (child.exitCode !== null) throw new Error(`the broker exited: ${output}`);
        return /"port":(\d+),"msg":"broker-service listening"/.exec(output)?.[1];
      },
      { timeoutMs: 20_000, what: `the broker on Node ${runtime.major} to listen` },
    );
    return { url: `http://127.0.0.1:${port}`, output: () => output, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export interface StubRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

type Answer = { status: number; body: unknown };

/** A real HTTP server standing in for a downstream service: JSON in, JSON envelope out. */
export class JsonServiceStub {
  readonly requests: StubRequest[] = [];
  private server: Server | undefined;

  constructor(private readonly answer: (request: StubRequest) => Answer) {}

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (raw += chunk));
      req.on('end', () => {
        let body: unknown;
        try {
          body = raw ? (JSON.parse(raw) as unknown) : undefined;
        } catch {
          body = raw; // recorded as sent; the answer function sees a string
        }
        const request = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body,
        };
        this.requests.push(request);
        const answer = this.answer(request);
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
