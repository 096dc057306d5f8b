import { MongoClient } from 'mongodb';

export interface MongoSettings {
  url: string;
  username?: string;
  password?: string;
  /** Server selection and connect timeout: how fast a dead database turns into an error. */
  timeoutMs: number;
  /** Longest wait for one reply; generous, because a busy server is slow, not dead. */
  socketTimeoutMs: number;
}

/**
 * The process's one MongoClient (it pools connections and reconnects by itself). The
 * driver's defaults wait 30 s for a server; short timeouts make a dead database a 503
 * in seconds instead.
 */
export function createMongoClient(settings: MongoSettings): MongoClient {
  const { url, username, password, timeoutMs, socketTimeoutMs } = settings;
  return new MongoClient(url, {
    appName: 'logger-service',
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: socketTimeoutMs,
    maxPoolSize: 100,
    ...(username !== undefined && password !== undefined ? { auth: { username, password } } : {}),
  });
}
