import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export interface ServiceProcessOptions {
  name: string;
  /** Arguments to node, e.g. the path of dist/main.js. */
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** stdout and stderr go here, not through the harness (no CPU spent piping them). */
  logFile: string;
}

/** One node process the harness started: it alone may stop it, by its pid. */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exitCode: number | null | undefined;
  private exitedPromise: Promise<void> = Promise.resolve();

  constructor(readonly options: ServiceProcessOptions) {}

  get name(): string {
    return this.options.name;
  }

  start(): void {
    const fd = openSync(this.options.logFile, 'a');
    try {
      const child = spawn(process.execPath, this.options.args, {
        cwd: this.options.cwd,
        env: this.options.env,
        stdio: ['ignore', fd, fd],
      });
      this.child = child;
      this.exitedPromise = new Promise((resolve) => {
        child.once('exit', (code, signal) => {
          this.exitCode = code ?? (signal ? 128 : null);
          resolve();
        });
        child.once('error', (err) => {
          this.exitCode = -1;
          process.stderr.write(`${this.name} could not start: ${err.message}\n`);
          resolve();
        });
      });
    } finally {
      closeSync(fd);
    }
  }

  /** True once the process ended, whoever ended it. */
  get exited(): boolean {
    return this.exitCode !== undefined;
  }

  /** Why the process is gone, with the end of its output. */
  describeExit(): string {
    return `${this.name} exited (code ${this.exitCode}); last output:\n${this.tail()}`;
  }

  tail(lines = 15): string {
    try {
      return readFileSync(this.options.logFile, 'utf8')
        .trimEnd()
        .split('\n')
        .slice(-lines)
        .join('\n');
    } catch {
      return '(no output)';
    }
  }

  /** SIGTERM (the services drain and exit 0), then SIGKILL if it has not ended in time. */
  async stop(timeoutMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child || this.exited) return;
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeoutMs);
    });
    const outcome = await Promise.race([this.exitedPromise, late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      child.kill('SIGKILL');
      await this.exitedPromise;
      throw new Error(`${this.name} did not stop within ${timeoutMs} ms; killed`);
    }
  }

  /** Last resort when the harness itself is exiting: no waiting possible. */
  killNow(): void {
    if (this.child && !this.exited) this.child.kill('SIGKILL');
  }
}
