import { AppError, TimeoutError, UnavailableError } from '@ms/service-kit';
import { toDatabaseError } from '../../src/data/database-errors';

function pgError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code ? { code } : {});
}

describe('toDatabaseError', () => {
  it.each([
    pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
    pgError('timeout exceeded when trying to connect'),
    pgError('Connection terminated unexpectedly'),
    pgError('terminating connection due to administrator command', '57P01'),
    pgError('connection failure', '08006'),
  ])('maps "%s" to 503 user database unavailable', (err) => {
    const mapped = toDatabaseError(err);
    expect(mapped).toBeInstanceOf(UnavailableError);
    expect(mapped).toMatchObject({ status: 503, message: 'user database unavailable', cause: err });
  });

  it.each([
    pgError('canceling statement due to statement timeout', '57014'),
    pgError('Query read timeout'),
  ])('maps "%s" to 504 user database timed out', (err) => {
    expect(toDatabaseError(err)).toBeInstanceOf(TimeoutError);
  });

  it('leaves other errors (bugs) alone, so they become a 500', () => {
    const err = pgError('syntax error at or near "SELEC"', '42601');
    expect(toDatabaseError(err)).toBe(err);
  });

  it('leaves errors that already carry a status alone', () => {
    const err = new AppError(418, 'teapot');
    expect(toDatabaseError(err)).toBe(err);
  });
});
