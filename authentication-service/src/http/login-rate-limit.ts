import { TooManyRequestsError } from '@ms/service-kit';
import type { Request, RequestHandler } from 'express';
import {
  type AugmentedRequest,
  MemoryStore,
  type Store,
  ipKeyGenerator,
  rateLimit,
} from 'express-rate-limit';
import { normaliseEmail } from '../domain/credentials';

export interface LoginRateLimitOptions {
  maxFailures: number;
  windowMs: number;
  /** Where the counts live; the service passes its Postgres store (shared by every
   * instance). Without one they live in this process only. */
  store?: Store;
}

export interface LoginRateLimit {
  middleware: RequestHandler;
  /** Forgets the failures of this request's client and email, after a successful login. */
  forgive(req: Request): Promise<void>;
  close(): void;
}

/** One client (IP) trying one email: a guesser is stopped, other users are not. An IPv6
 * client is its /56 network (ipKeyGenerator), since one host usually has a whole prefix and
 * could otherwise change address per guess; an IPv4 address (mapped or not) is itself. */
export function loginAttemptKey(req: Request): string {
  const email: unknown = (req.body as { email?: unknown } | undefined)?.email;
  const client = req.ip === undefined ? 'unknown' : ipKeyGenerator(req.ip);
  return `${client}|${typeof email === 'string' ? normaliseEmail(email) : ''}`;
}

/**
 * Counts only failed logins (401) per client and email in a fixed window; past the
 * limit every attempt, a right password included, gets 429 with Retry-After until the
 * window ends. With a shared store (Postgres) the limit holds across every instance.
 */
export function loginRateLimit(options: LoginRateLimitOptions): LoginRateLimit {
  const store = options.store ?? new MemoryStore();
  const middleware = rateLimit({
    windowMs: options.windowMs,
    limit: options.maxFailures,
    store,
    keyGenerator: loginAttemptKey,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    standardHeaders: false,
    legacyHeaders: false,
    handler: (req, _res, next) => {
      const resetAt =
        (req as AugmentedRequest).rateLimit?.resetTime?.getTime() ?? Date.now() + options.windowMs;
      const retryAfterSeconds = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
      next(
        new TooManyRequestsError(
          'too many failed login attempts, try again later',
          retryAfterSeconds,
        ),
      );
    },
  });
  return {
    middleware,
    forgive: async (req) => {
      await store.resetKey(loginAttemptKey(req));
    },
    close: () => void store.shutdown?.(),
  };
}
