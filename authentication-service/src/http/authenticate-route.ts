import { sendAccepted } from '@ms/service-kit';
import type { Express } from 'express';
import type { Authenticator } from '../domain/authenticator';
import { parseCredentials } from '../domain/credentials';
import type { LoginRateLimit } from './login-rate-limit';

/** POST /authenticate {"email","password"} -> 202 with the user, or 401 invalid credentials. */
export function mountAuthenticateRoute(
  app: Express,
  authenticator: Authenticator,
  rateLimit: LoginRateLimit,
): void {
  app.post('/authenticate', rateLimit.middleware, async (req, res) => {
    const credentials = parseCredentials(req.body);
    const user = await authenticator.authenticate(credentials);
    await rateLimit.forgive(req);
    sendAccepted(res, `Logged in user ${user.email}`, user);
  });
}
