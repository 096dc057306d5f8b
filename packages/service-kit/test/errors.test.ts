import { AppError, NotFoundError, UpstreamError, ValidationError } from '../src';

describe('AppError subclasses', () => {
  it('keep their own name, their status and, where they have one, a default message', () => {
    const cause = new Error('ECONNRESET');
    const upstream = new UpstreamError('logger answered 500', { cause });
    const cases: [AppError, string, number, string][] = [
      [new ValidationError('bad email'), 'ValidationError', 400, 'bad email'],
      [new NotFoundError(), 'NotFoundError', 404, 'not found'],
      [new NotFoundError('no such user'), 'NotFoundError', 404, 'no such user'],
      [upstream, 'UpstreamError', 502, 'logger answered 500'],
    ];
    for (const [error, name, status, message] of cases) {
      expect(error).toBeInstanceOf(AppError);
      expect({ name: error.name, status: error.status, message: error.message }).toEqual({
        name,
        status,
        message,
      });
    }
    expect(upstream.cause).toBe(cause);
  });
});
