import { sendAccepted } from '@ms/service-kit';
import type { Express } from 'express';
import type { Authenticator } from '../domain/authenticator';
import { parseCredentials } from '../domain/credentials';
import type { TokenIssuer } from '../tokens/token-issuer';
import type { LoginRateLimit } from './login-rate-limit';

/**
 * POST /authenticate {"email","password"} -> 202 with the user, or 401 invalid credentials.
 * The access token joins the user's fields in `data` (access_token, token_type, expires_in):
 * every field older clients read keeps its name and place.
 */
export function mountAuthenticateRoute(
  app: Express,
  authenticator: Authenticator,
  tokens: TokenIssuer,
  rateLimit: LoginRateLimit,
): void {
  app.post('/authenticate', rateLimit.middleware, async (req, res) => {
    const credentials = parseCredentials(req.body);
    const { user, role } = await authenticator.authenticate(credentials);
    const token = await tokens.issue({ id: user.id, email: user.email, role });
    await rateLimit.forgive(req);
    sendAccepted(res, `Logged in user ${user.email}`, { ...user, ...token });
  });
}
