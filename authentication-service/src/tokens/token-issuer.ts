import { SignJWT } from 'jose';
import type { SigningKeys } from './signing-keys';

export type Role = 'user' | 'admin';

export interface TokenSubject {
  id: number;
  email: string;
  role: Role;
}

/** What a login adds to its answer's `data` (OAuth 2.0 names), next to the user's fields. */
export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  /** Seconds. */
  expires_in: number;
}

export interface TokenIssuerOptions {
  issuer: string;
  audience: string;
  ttlMinutes: number;
  now?: () => number;
}

/** Signs access tokens with the current key: sub, email, role, iss, aud, iat, exp; kid in the header. */
export class TokenIssuer {
  constructor(
    private readonly keys: SigningKeys,
    private readonly options: TokenIssuerOptions,
  ) {}

  async issue(subject: TokenSubject): Promise<IssuedToken> {
    const { current } = this.keys;
    const iat = Math.floor((this.options.now?.() ?? Date.now()) / 1000);
    const expiresIn = this.options.ttlMinutes * 60;
    const token = await new SignJWT({ email: subject.email, role: subject.role })
      .setProtectedHeader({ alg: current.alg, kid: current.kid, typ: 'JWT' })
      .setSubject(String(subject.id))
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + expiresIn)
      .sign(current.privateKey);
    return { access_token: token, token_type: 'Bearer', expires_in: expiresIn };
  }

  jwks(): SigningKeys['jwks'] {
    return this.keys.jwks;
  }
}
