import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT, waitUntilReady } from '@ms/testing';

export type ServiceName = 'authentication-service' | 'logger-service' | 'mail-service';

/**
 * A sibling service as its own process, from source as `npm run dev` runs it, so that a
 * test can hang it (SIGSTOP) and let it go on (SIGCONT) while the broker keeps running.
 */
export class ServiceProcess {
  private output = '';

  private constructor(
    readonly name: ServiceName,
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /** Starts `<name>/src/main.ts` with env (PORT at least) and waits for its /readyz. */
  static async start(name: ServiceName, env: Record<string, string>): Promise<ServiceProcess> {
    // node with tsx's loader, not the tsx CLI: the CLI runs the service in a grandchild,
    // which a signal to the CLI would not reach.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(REPO_ROOT, name, 'src/main.ts')],
      {
        cwd: path.join(REPO_ROOT, name),
        env: { ...process.env, LOG_LEVEL: 'warn', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const service = new ServiceProcess(name, child, `http://127.0.0.1:${env.PORT}`);
    try {
      await waitUntilReady(service.url, { child, timeoutMs: 60_000 });
    } catch (err) {
      await service.kill();
      throw new Error(
        `${name} did not start: ${(err as Error).message}; output: ${service.output}`,
        { cause: err },
      );
    }
    return service;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Hangs it: the kernel still accepts connections, nothing answers. */
  pause(): void {
    this.child.kill('SIGSTOP');
  }

  resume(): void {
    this.child.kill('SIGCONT');
  }

  /** Ends it, paused or not. */
  async kill(): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await exited;
  }
}
