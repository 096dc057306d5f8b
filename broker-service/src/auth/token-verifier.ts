import { AppError, UnauthorizedError, UnavailableError } from '@ms/service-kit';
import { type JWTVerifyGetKey, createRemoteJWKSet, errors, jwtVerify } from 'jose';

/** Only these signatures are accepted: `alg: none`, HMAC and RSA tokens are refused. */
export const ACCEPTED_ALGORITHMS = ['EdDSA', 'ES256'];

export type Role = 'user' | 'admin';

/** Who a valid token speaks for. */
export interface TokenClaims {
  userId: string;
  email: string;
  role: Role;
}

export class ForbiddenError extends AppError {
  constructor(message = 'forbidden') {
    super(403, message);
  }
}

export interface TokenVerifierOptions {
  /** The authentication service's GET /.well-known/jwks.json. */
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** Deadline of one JWKS fetch. */
  timeoutMs: number;
  /** How long fetched keys are used before they are fetched again. */
  cacheMaxAgeMs: number;
  /** Least time between two fetches (an unknown kid fetches again, at most this often). */
  cooldownMs: number;
  /** Leeway for clocks a little apart, in seconds. */
  clockToleranceSeconds?: number;
}

/**
 * Checks access tokens against the authentication service's public keys, fetched once
 * and cached (a token with an unknown kid makes one fetch, so a rotated key is picked up):
 * signature, algorithm, issuer, audience and expiry. A bad token is 401; keys that cannot
 * be fetched are 503 (the token may be fine, it just cannot be checked now).
 */
export class TokenVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(
    private readonly options: TokenVerifierOptions,
    keys?: JWTVerifyGetKey,
  ) {
    this.keys =
      keys ??
      createRemoteJWKSet(new URL(options.jwksUrl), {
        timeoutDuration: options.timeoutMs,
        cacheMaxAge: options.cacheMaxAgeMs,
        cooldownDuration: options.cooldownMs,
      });
  }

  async verify(token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: ACCEPTED_ALGORITHMS,
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: this.options.clockToleranceSeconds ?? 5,
      });
      const { sub, email, role } = payload;
      if (typeof sub !== 'string' || typeof email !== 'string') {
        throw new UnauthorizedError('invalid token');
      }
      return { userId: sub, email, role: role === 'admin' ? 'admin' : 'user' };
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof errors.JWTExpired) throw new UnauthorizedError('token expired');
      if (err instanceof errors.JWKSTimeout) {
        throw new UnavailableError('authentication service unavailable (keys)');
      }
      if (err instanceof errors.JOSEError) throw new UnauthorizedError('invalid token');
      // Not a JOSE error: the keys could not be fetched (refused, reset, not JSON).
      throw new UnavailableError('authentication service unavailable (keys)', { cause: err });
    }
  }
}
