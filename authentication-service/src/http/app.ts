import { type Logger, type Readiness, createHttpApp } from '@ms/service-kit';
import type { Express } from 'express';
import type { Authenticator } from '../domain/authenticator';
import { mountAuthenticateRoute } from './authenticate-route';
import type { TokenIssuer } from '../tokens/token-issuer';
import { mountJwksRoute } from './jwks-route';
import type { LoginRateLimit } from './login-rate-limit';

export interface AuthHttpAppDeps {
  logger: Logger;
  authenticator: Authenticator;
  tokens: TokenIssuer;
  rateLimit: LoginRateLimit;
  readiness?: Readiness;
  corsOrigins?: string[];
  /** Proxies whose X-Forwarded-For names the real client (see TRUST_PROXY). */
  trustProxy?: string[];
}

export function createAuthHttpApp(deps: AuthHttpAppDeps): Express {
  return createHttpApp({
    service: 'authentication-service',
    logger: deps.logger,
    corsOrigins: deps.corsOrigins,
    readiness: deps.readiness,
    routes: (app) => {
      // The rate limit keys on req.ip: behind a trusted proxy that is the forwarded client.
      if (deps.trustProxy && deps.trustProxy.length > 0) app.set('trust proxy', deps.trustProxy);
      mountAuthenticateRoute(app, deps.authenticator, deps.tokens, deps.rateLimit);
      mountJwksRoute(app, deps.tokens);
    },
  });
}
