/**
 * Errors that carry the HTTP status of the design's response envelope. Their messages
 * are written for clients: never put a stack, SQL text or a host name in one.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(400, message, options);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'invalid credentials') {
    super(401, message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'not found') {
    super(404, message);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message = 'request body too large') {
    super(413, message);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(message = 'request body must be JSON (Content-Type: application/json)') {
    super(415, message);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(
    message = 'too many attempts, try again later',
    readonly retryAfterSeconds?: number,
  ) {
    super(429, message);
  }
}

/** A downstream service or dependency answered, but with an error. */
export class UpstreamError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(502, message, options);
  }
}

/** A downstream service or dependency could not be reached. */
export class UnavailableError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(503, message, options);
  }
}

/** A downstream call did not answer in time. */
export class TimeoutError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(504, message, options);
  }
}

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
