import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import amqp from 'amqplib';

import { parseConfig } from '@ms/service-kit';
import { REPO_ROOT, eventually, infra, uniqueName, withMongo } from '@ms/testing';
import { retryQueueName } from '../../../listener-service/src/amqp/topology';
import { configSchema as listenerConfigSchema } from '../../../listener-service/src/config';

/** HTTP ports of DESIGN.md's port table that `make dev` listens on, each with /ping and /readyz. */
export const DEV_HTTP_PORTS = {
  'front-end': 8000,
  'broker-service': 8080,
  'authentication-service': 8081,
  'logger-service': 8082,
  'mail-service': 8083,
  'listener-service': 8084,
};
/** Every port of the stack, the logger's JSON-RPC and gRPC ones included. */
export const DEV_PORTS = [...Object.values(DEV_HTTP_PORTS), 5001, 50001];

/**
 * `make dev` (project/dev/run-all.mjs) as a child process: the same services, commands and
 * ports. Two differences keep parallel test files apart: the logger writes to a MongoDB
 * database of its own and the listener consumes from queues of its own.
 */
export class DevStack {
  readonly name = uniqueName('front_end_e2e');
  private child: ChildProcess | undefined;
  private output = '';
  private exitCode: number | null | undefined;

  private environment(): NodeJS.ProcessEnv {
    const { postgresUrl, amqpUrl, mongoUrl, mailHost, mailPort } = infra();
    const usersDatabase = new URL(postgresUrl);
    usersDatabase.pathname = '/users';
    return {
      ...process.env,
      FORCE_COLOR: '0',
      POSTGRES_URL: usersDatabase.toString(),
      AMQP_URL: amqpUrl,
      MONGO_URL: mongoUrl,
      MAIL_HOST: mailHost,
      MAIL_PORT: String(mailPort),
      MONGO_DB: this.name,
      LISTENER_QUEUE: `${this.name}.listener`,
      DEAD_LETTER_EXCHANGE: `${this.name}.dead`,
      DEAD_LETTER_QUEUE: `${this.name}.listener.dead`,
    };
  }

  start(): void {
    const child = spawn(process.execPath, ['project/dev/run-all.mjs'], {
      cwd: REPO_ROOT,
      env: this.environment(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code) => {
      this.exitCode = code;
    });
    this.child = child;
  }

  /** Waits for each service's /ping, then its /readyz (its own dependencies connected). */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const [service, port] of Object.entries(DEV_HTTP_PORTS)) {
      for (const route of ['/ping', '/readyz']) {
        const url = `http://127.0.0.1:${port}${route}`;
        await eventually(
          async () => {
            this.assertRunning();
            return answersOk(url);
          },
          {
            timeoutMs: Math.max(1000, deadline - Date.now()),
            intervalMs: 250,
            what: `${service} at ${url}`,
          },
        ).catch((err: Error) => {
          throw new Error(`${err.message}\nlast output of make dev:\n${this.tail()}`);
        });
      }
    }
  }

  private assertRunning(): void {
    if (this.exitCode !== undefined) {
      throw new Error(`project/dev/run-all.mjs exited (${this.exitCode}):\n${this.tail()}`);
    }
  }

  tail(lines = 40): string {
    return this.output.split('\n').slice(-lines).join('\n');
  }

  /** SIGTERM, as Ctrl-C would; the process group is killed only if it does not drain in time. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    if (child.pid && this.exitCode === undefined) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const deadline = sleep(20_000, 'timeout', { ref: false });
      if ((await Promise.race([exited, deadline])) === 'timeout') {
        process.kill(-child.pid, 'SIGKILL');
        await exited;
      }
    }
    await this.removeOwnNames();
  }

  private async removeOwnNames(): Promise<void> {
    const env = this.environment();
    const listener = parseConfig(listenerConfigSchema, env);
    const connection = await amqp.connect(infra().amqpUrl, { timeout: 5000 });
    try {
      const channel = await connection.createChannel();
      for (const queue of [
        listener.LISTENER_QUEUE,
        listener.DEAD_LETTER_QUEUE,
        ...listener.RETRY_DELAYS_MS.map((delayMs) =>
          retryQueueName(listener.LISTENER_QUEUE, delayMs),
        ),
      ]) {
        await channel.deleteQueue(queue);
      }
      await channel.deleteExchange(listener.DEAD_LETTER_EXCHANGE);
    } finally {
      await connection.close();
    }
    await withMongo((client) => client.db(this.name).dropDatabase());
  }
}

async function answersOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}
