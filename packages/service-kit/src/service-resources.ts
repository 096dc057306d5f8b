import type { RequestListener, Server } from 'node:http';
import { listen, portOf } from './http/server';
import type { Logger } from './logger';
import { closeHttpServer } from './shutdown';

/** What runService hands to a service's start(). */
export interface StartDeps {
  logger: Logger;
  /** Aborted when shutdown begins: waits for dependencies at start-up stop. */
  signal?: AbortSignal;
}

/** What a service's start() resolves to once it serves. */
export interface RunningService {
  port: number;
  /** Drains and closes everything start() opened; later calls return the same promise. */
  stop(): Promise<void>;
}

type Close = () => Promise<unknown> | unknown;

/**
 * What a service's start() has opened, closed in the reverse order of opening: servers
 * (opened last) stop and drain before the clients and pools they use are closed. The
 * same object closes a half-started service when start() fails, so each resource is
 * named once, next to where it is opened.
 */
export class ServiceResources {
  private readonly closers: { name: string; close: Close }[] = [];
  private closing: Promise<void> | undefined;

  /** Registers a close for a resource just opened and returns the resource. */
  add<T>(name: string, resource: T, close: (resource: T) => Promise<unknown> | unknown): T {
    this.closers.push({ name, close: () => close(resource) });
    return resource;
  }

  /** Registers a close that is not tied to one object (a drain, a timer). */
  onClose(name: string, close: Close): void {
    this.closers.push({ name, close });
  }

  /**
   * Serves HTTP on port (0: a free one) and registers the server's drain (closeHttpServer)
   * as the 'http server' close; resolves once it listens, with the port it listens on.
   */
  async serveHttp(
    handler: RequestListener,
    port: number,
  ): Promise<{ server: Server; port: number }> {
    const server = this.add('http server', await listen(handler, port), closeHttpServer);
    return { server, port: portOf(server) };
  }

  /**
   * Closes everything once, newest first. Every close runs even when one fails; the first
   * failure is rethrown afterwards, so Shutdown logs it and exits 1.
   */
  closeAll(): Promise<void> {
    this.closing ??= (async () => {
      let firstError: unknown;
      for (const { name, close } of [...this.closers].reverse()) {
        try {
          await close();
        } catch (err) {
          firstError ??= new Error(`closing ${name} failed`, { cause: err });
        }
      }
      if (firstError !== undefined) throw firstError;
    })();
    return this.closing;
  }

  /**
   * Runs a service's start-up with this set of resources: on failure everything opened so
   * far is closed before the error goes on, so a failed start leaves nothing behind.
   */
  static async open<T>(build: (resources: ServiceResources) => Promise<T>): Promise<T> {
    const resources = new ServiceResources();
    try {
      return await build(resources);
    } catch (err) {
      await resources.closeAll().catch(() => undefined);
      throw err;
    }
  }
}
