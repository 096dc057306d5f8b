/**
 * Errors that carry the HTTP status of the design's response envelope. Their messages
 * are written for clients: never put a stack, SQL text or a host name in one.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The base of an AppError subclass with a fixed status; with a default message, the
 * message may be left out. Each subclass keeps its own name (`class X extends statusError(…) {}`).
 */
function statusError(status: number): new (message: string, options?: ErrorOptions) => AppError;
function statusError(
  status: number,
  defaultMessage: string,
): new (message?: string, options?: ErrorOptions) => AppError;
function statusError(status: number, defaultMessage = '') {
  return class extends AppError {
    constructor(message = defaultMessage, options?: ErrorOptions) {
      super(status, message, options);
    }
  };
}

export class ValidationError extends statusError(400) {}
export class UnauthorizedError extends statusError(401, 'invalid credentials') {}
export class NotFoundError extends statusError(404, 'not found') {}
export class PayloadTooLargeError extends statusError(413, 'request body too large') {}
export class UnsupportedMediaTypeError extends statusError(
  415,
  'request body must be JSON (Content-Type: application/json)',
) {}

export class TooManyRequestsError extends AppError {
  constructor(
    message = 'too many attempts, try again later',
    readonly retryAfterSeconds?: number,
  ) {
    super(429, message);
  }
}

/** A downstream service or dependency answered, but with an error. */
export class UpstreamError extends statusError(502) {}
/** A downstream service or dependency could not be reached. */
export class UnavailableError extends statusError(503) {}
/** A downstream call did not answer in time. */
export class TimeoutError extends statusError(504) {}

interface BodyParserError {
  type?: unknown;
  status?: unknown;
}

/** Maps anything thrown to an AppError; unknown errors become a bare 500. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const type = (err as BodyParserError | null)?.type;
  switch (type) {
    case 'entity.parse.failed':
      return new ValidationError('malformed JSON body');
    case 'entity.too.large':
      return new PayloadTooLargeError();
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new UnsupportedMediaTypeError('unsupported body encoding');
    case 'request.aborted':
      return new ValidationError('request aborted');
    default:
      return new AppError(500, 'internal error', { cause: err });
  }
}

/** One line for a log: the error's code (if any) and message, without the stack. */
export function errorSummary(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    // fs errors already start with their code ("ENOENT: no such file or directory, open ...")
    return code && !err.message.startsWith(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
