import { UnauthorizedError } from '@ms/service-kit';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  ForbiddenError,
  type Role,
  type TokenClaims,
  type TokenVerifier,
} from '../auth/token-verifier';

/** The claims of the request's token, set by requireToken. */
export function tokenClaims(res: Response): TokenClaims {
  return res.locals.token as TokenClaims;
}

/**
 * `Authorization: Bearer <token>` checked by the verifier: none or a bad one is 401 (with
 * WWW-Authenticate), a valid token without the role is 403.
 */
export function requireToken(verifier: TokenVerifier, role?: Role): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const match = /^Bearer ([\w-]+\.[\w-]*\.[\w-]*)$/i.exec(req.get('authorization') ?? '');
    if (!match?.[1]) {
      res.set('WWW-Authenticate', 'Bearer');
      next(new UnauthorizedError('sign in: a bearer token is required'));
      return;
    }
    verifier.verify(match[1]).then(
      (claims) => {
        if (role && claims.role !== role) {
          next(new ForbiddenError(`forbidden: needs the role ${role}`));
          return;
        }
        res.locals.token = claims;
        next();
      },
      (err: unknown) => {
        if (err instanceof UnauthorizedError) {
          res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
        }
        next(err);
      },
    );
  };
}
