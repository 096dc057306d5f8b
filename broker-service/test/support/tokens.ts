import { generateKeyPairSync } from 'node:crypto';
import { type JWK, SignJWT, calculateJwkThumbprint, createLocalJWKSet } from 'jose';
import { TokenVerifier } from '../../src/auth/token-verifier';

export const ISSUER = 'authentication-service';
export const AUDIENCE = 'log-console';

/** A signing key as the authentication service has one: an Ed25519 key and its public JWK with a kid. */
export async function testKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint(jwk);
  return { privateKey, kid, publicJwk: { ...jwk, kid, alg: 'EdDSA', use: 'sig' } };
}

export type TestKey = Awaited<ReturnType<typeof testKey>>;

export interface TokenOptions {
  role?: string;
  email?: string;
  sub?: string;
  issuer?: string;
  audience?: string;
  /** Seconds from now; negative: expired. */
  expiresIn?: number;
  kid?: string;
}

export function signToken(key: TestKey, options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email: options.email ?? 'admin@example.com', role: options.role ?? 'admin' })
    .setProtectedHeader({ alg: 'EdDSA', kid: options.kid ?? key.kid, typ: 'JWT' })
    .setSubject(options.sub ?? '1')
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt(now - 10)
    .setExpirationTime(now + (options.expiresIn ?? 600))
    .sign(key.privateKey);
}

/** An unsigned token (`alg: none`), as an attacker would send one. */
export function unsignedToken(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

/** A verifier over fixed public keys (no fetch), with the broker's checks. */
export function localVerifier(...keys: TestKey[]): TokenVerifier {
  return new TokenVerifier(
    {
      jwksUrl: 'http://unused.invalid/jwks.json',
      issuer: ISSUER,
      audience: AUDIENCE,
      timeoutMs: 1000,
      cacheMaxAgeMs: 60_000,
      cooldownMs: 1000,
    },
    createLocalJWKSet({ keys: keys.map((key) => key.publicJwk) }),
  );
}
