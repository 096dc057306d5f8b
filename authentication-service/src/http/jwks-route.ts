import type { Express } from 'express';
import type { TokenIssuer } from '../tokens/token-issuer';

/**
 * GET /.well-known/jwks.json: the public keys tokens are checked with (RFC 7517), the
 * current one first. Plain JWKS, not the envelope: verifiers (jose) read it as is.
 */
export function mountJwksRoute(app: Express, tokens: TokenIssuer): void {
  const body = JSON.stringify(tokens.jwks());
  app.get('/.well-known/jwks.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300');
    res.type('application/jwk-set+json').send(body);
  });
}
