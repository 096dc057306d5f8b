import { Agent } from 'undici';

export interface HttpServiceOptions {
  baseUrl: string;
  timeoutMs: number;
  /** The service's own keep-alive pool (see createHttpPool). */
  dispatcher?: Agent;
}

/**
 * One keep-alive pool per downstream service, with a connection limit: under load the
 * broker queues requests on a few warm connections instead of opening one per concurrent
 * client (Node's global pool has no limit). Idle connections are closed before the
 * services' own keep-alive timeout (65 s), so a request never races a server-side close.
 */
export function createHttpPool(connections: number): Agent {
  return new Agent({ connections, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000 });
}
