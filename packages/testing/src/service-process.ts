import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './infra';
import { waitUntilReady } from './wait';

export interface ServiceProcessOptions {
  /** Node options before the entry point, e.g. ['--require', 'a-preload.cjs']. */
  nodeArgs?: string[];
  readyTimeoutMs?: number;
}

/**
 * A service from source, as its own process (`node --import tsx <folder>/src/main.ts`, as
 * `npm run dev` runs it), so that a test can hang it (SIGSTOP), let it go on (SIGCONT),
 * kill it or stop it with SIGTERM, and read its JSON log lines. `env` needs PORT at least;
 * LOG_LEVEL is `warn` unless given.
 */
export class ServiceProcess {
  /** The JSON lines it wrote on stdout. */
  readonly lines: Record<string, unknown>[] = [];
  private tail = '';
  private partial = '';

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => {
      const parts = (this.partial + chunk.toString()).split('\n');
      this.partial = parts.pop() ?? '';
      for (const line of parts.filter(Boolean)) {
        try {
          this.lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          this.keep(`${line}\n`); // not a JSON line: kept for failure messages
        }
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => this.keep(chunk.toString()));
  }

  /** Starts the service in `folder` with `env` and waits for its /readyz. */
  static async start(
    folder: string,
    env: Record<string, string>,
    { nodeArgs = [], readyTimeoutMs = 60_000 }: ServiceProcessOptions = {},
  ): Promise<ServiceProcess> {
    // node with tsx's loader, not the tsx CLI: the CLI runs the service in a grandchild,
    // which a signal to the CLI would not reach.
    const child = spawn(
      process.execPath,
      [...nodeArgs, '--import', 'tsx', path.join(REPO_ROOT, folder, 'src/main.ts')],
      {
        cwd: path.join(REPO_ROOT, folder),
        env: { ...process.env, LOG_LEVEL: 'warn', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const service = new ServiceProcess(folder, child, `http://127.0.0.1:${env.PORT}`);
    try {
      await waitUntilReady(service.url, { child, timeoutMs: readyTimeoutMs });
    } catch (err) {
      await service.kill();
      throw new Error(
        `${folder} did not start: ${(err as Error).message}; output: ${service.output}`,
        { cause: err },
      );
    }
    return service;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The last 4,000 characters of its stderr and of what it wrote that was not JSON. */
  get output(): string {
    return this.tail;
  }

  get hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Hangs it: the kernel still accepts connections, nothing answers. */
  pause(): void {
    this.child.kill('SIGSTOP');
  }

  resume(): void {
    this.child.kill('SIGCONT');
  }

  /** Ends it at once, paused or not (no drain). */
  kill(): Promise<void> {
    return this.end(() => {
      this.child.kill('SIGCONT');
      this.child.kill('SIGKILL');
    });
  }

  /** SIGTERM, as a platform stops it (it drains); SIGKILL if it is not gone in 15 s. */
  stop(): Promise<void> {
    return this.end(() => {
      this.child.kill('SIGTERM');
      setTimeout(() => this.child.kill('SIGKILL'), 15_000).unref();
    });
  }

  private end(signal: () => void): Promise<void> {
    if (this.hasExited) return Promise.resolve();
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    signal();
    return exited;
  }

  private keep(text: string): void {
    this.tail = (this.tail + text).slice(-4000);
  }
}
