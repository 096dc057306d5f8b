import type { Server } from 'node:http';
import type { Logger } from './logger';
import { errorSummary } from './errors';

type Closer = () => Promise<unknown> | unknown;

export interface ShutdownOptions {
  logger: Logger;
  /** Deadline for in-flight work and every close together. */
  timeoutMs?: number;
  /** Injected by tests; process.exit otherwise. */
  exit?: (code: number) => void;
}

/**
 * Graceful shutdown: resources are closed in the reverse order of registration, so
 * register pools and connections first and servers last: servers stop accepting and
 * drain before the pools they use are closed.
 */
export class Shutdown {
  private readonly closers: { name: string; close: Closer }[] = [];
  private running: Promise<void> | undefined;
  private readonly controller = new AbortController();

  constructor(private readonly options: ShutdownOptions) {}

  /** Aborted when shutdown begins: start-up retry loops listen to it and stop. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  register(name: string, close: Closer): void {
    this.closers.push({ name, close });
  }

  listen(signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): void {
    for (const signal of signals) {
      process.once(signal, () => {
        void this.run(signal);
      });
    }
  }

  /**
   * Closes everything once; later calls return the same promise. The process exits 0 when
   * every close succeeded, 1 otherwise, and 1 in any case when `failed` (a crash).
   */
  run(reason: string, { failed = false } = {}): Promise<void> {
    this.running ??= this.closeAll(reason, failed);
    return this.running;
  }

  private async closeAll(reason: string, crashed: boolean): Promise<void> {
    const { logger, timeoutMs = 10_000, exit = (code) => process.exit(code) } = this.options;
    logger.info({ reason }, 'shutting down');
    this.controller.abort();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
      timer.unref();
    });
    const closing = (async () => {
      let failed = false;
      for (const { name, close } of [...this.closers].reverse()) {
        try {
          await close();
          logger.info({ resource: name }, `closed ${name}`);
        } catch (err) {
          failed = true;
          logger.error({ resource: name, err: errorSummary(err) }, `closing ${name} failed`);
        }
      }
      return failed ? 'failed' : 'closed';
    })();
    const outcome = await Promise.race([closing, deadline]);
    clearTimeout(timer);
    if (outcome === 'timeout') logger.error({ timeoutMs }, 'shutdown deadline passed, exiting');
    else logger.info('shutdown complete');
    logger.flush();
    exit(outcome === 'closed' && !crashed ? 0 : 1);
  }
}

/**
 * Stops accepting connections, lets in-flight requests finish, closes idle keep-alives.
 * After graceMs every connection still open is closed: requests that ran that long, and
 * sockets that never carried a request (browsers open spare ones), which Node does not
 * count as idle and which would otherwise hold close() open until they time out.
 */
export function closeHttpServer(server: Server, { graceMs = 5000 } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) return resolve();
    // Connections that finish their request while we wait become idle keep-alives: close those too.
    const sweeper = setInterval(() => server.closeIdleConnections(), 100);
    const grace = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close((err) => {
      clearInterval(sweeper);
      clearTimeout(grace);
      if (err) reject(err);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
