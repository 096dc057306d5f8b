import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { infra } from './infra';
import { createScratchDatabase } from './postgres';
import { eventually, freePort } from './wait';

/**
 * A dependency process owned by one test file (its own FerretDB or MailHog on free
 * ports), so a test can stop and restart it without disturbing the shared instances.
 */
export class ManagedProcess {
  private child: ChildProcess | undefined;
  private output = '';

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: string[],
    readonly port: number,
  ) {}

  async start(timeoutMs = 20_000): Promise<void> {
    if (this.child) return;
    const child = spawn(this.command, this.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    await eventually(() => this.child !== undefined && portAccepts(this.port), {
      timeoutMs,
      what: `${this.name} on port ${this.port}; output: ${this.output}`,
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    await eventually(async () => !(await portAccepts(this.port)), { what: `${this.name} to stop` });
  }
}

export function portAccepts(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A private FerretDB (MongoDB wire protocol) on a free port. It stores in its own new
 * Postgres database: two FerretDB processes sharing one database corrupt each other's
 * metadata cache. `dispose()` stops it and drops that database.
 */
export async function ferretDbProcess(): Promise<ManagedProcess & { dispose(): Promise<void> }> {
  const { ferretdbBin } = infra();
  const port = await freePort();
  const stateDir = mkdtempSync(path.join(tmpdir(), 'ferretdb-'));
  const database = await createScratchDatabase('ferretdb_private');
  const proc = new ManagedProcess(
    'ferretdb',
    ferretdbBin,
    [
      '--handler=postgresql',
      `--postgresql-url=${database.url}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--telemetry=disable',
      `--state-dir=${stateDir}`,
      '--debug-addr=-',
      '--log-level=error',
    ],
    port,
  );
  return Object.assign(proc, {
    async dispose() {
      await proc.stop();
      await database.drop();
    },
  });
}

/** A private MailHog on free ports; `apiUrl` reads back what it received. */
export async function mailHogProcess(): Promise<
  ManagedProcess & { apiUrl: string; smtpPort: number }
> {
  const { mailhogBin } = infra();
  const smtpPort = await freePort();
  const apiPort = await freePort();
  const proc = new ManagedProcess(
    'mailhog',
    mailhogBin,
    [
      '-smtp-bind-addr',
      `127.0.0.1:${smtpPort}`,
      '-api-bind-addr',
      `127.0.0.1:${apiPort}`,
      '-ui-bind-addr',
      `127.0.0.1:${apiPort}`,
    ],
    smtpPort,
  );
  return Object.assign(proc, { apiUrl: `http://127.0.0.1:${apiPort}`, smtpPort });
}
