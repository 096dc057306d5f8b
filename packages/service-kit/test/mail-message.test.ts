import { ValidationError, parseInput } from '../src';
import { MAX_MESSAGE_BYTES, mailMessageSchema } from '../src/contracts';

const valid = { to: 'you@example.com', subject: 'Hello', message: 'Hi there' };

function parse(input: unknown) {
  return parseInput(mailMessageSchema, input);
}

function problem(input: unknown): string {
  try {
    parse(input);
  } catch (err) {
    if (err instanceof ValidationError) return err.message;
    throw err;
  }
  throw new Error('expected a validation error');
}

describe('mail request validation', () => {
  it('accepts a request without from, and keeps only the known fields', () => {
    const parsed = parse({
      ...valid,
      attachments: [{ path: '/etc/passwd' }],
      headers: { Bcc: 'x@example.com' },
    });
    expect(parsed).toEqual({ ...valid, from: undefined });
  });

  it('treats an empty or null from as not given', () => {
    expect(parse({ ...valid, from: '' }).from).toBeUndefined();
    expect(parse({ ...valid, from: null }).from).toBeUndefined();
    expect(parse({ ...valid, from: 'me@example.com' }).from).toBe('me@example.com');
  });

  it('trims addresses and the subject', () => {
    const parsed = parse({ ...valid, to: '  you@example.com ', subject: ' Hello  ' });
    expect(parsed.to).toBe('you@example.com');
    expect(parsed.subject).toBe('Hello');
  });

  it.each([
    [{ subject: 'Hello', message: 'x' }, 'to: is required'],
    [{ ...valid, to: 'not-an-address' }, 'to: must be one valid email address'],
    [{ ...valid, to: 'a@example.com, b@example.com' }, 'to: must be one valid email address'],
    [{ ...valid, to: 'Bob <bob@example.com>' }, 'to: must be one valid email address'],
    [{ ...valid, to: ['a@example.com'] }, 'to: must be a string'],
    [{ ...valid, from: 'nobody' }, 'from: must be one valid email address'],
    [{ ...valid, subject: '' }, 'subject: must not be empty'],
    [{ ...valid, subject: 's'.repeat(256) }, 'subject: must be at most 255 characters'],
    [{ ...valid, subject: 'a\u0000b' }, 'subject: must not contain control characters'],
    [{ ...valid, message: '' }, 'message: must not be empty'],
    [{ ...valid, message: 42 }, 'message: must be a string'],
    [{ ...valid, to: `${'a'.repeat(250)}@example.com` }, 'to: must be at most 254 characters'],
  ])('refuses %j with "%s"', (input, message) => {
    expect(problem(input)).toBe(message);
  });

  it('refuses a body that is not an object', () => {
    expect(problem('to=you@example.com')).toBe('request body must be a JSON object');
  });

  it.each([
    ['to', { to: 'you@example.com\r\nBcc: victim@example.com' }],
    ['to', { to: 'you@example.com\n' }],
    ['from', { from: 'me@example.com\rBcc: victim@example.com' }],
    ['subject', { subject: 'Hello\r\nBcc: victim@example.com' }],
    ['subject', { subject: 'Hello\n' }],
  ])('refuses a line break in %s', (field, change) => {
    expect(problem({ ...valid, ...change })).toBe(
      `${field}: must not contain line breaks (CR or LF)`,
    );
  });

  it('allows line breaks in the message, which goes in the body', () => {
    expect(parse({ ...valid, message: 'one\r\ntwo' }).message).toBe('one\r\ntwo');
  });

  it('accepts 255 characters of subject and 100 KiB of message, counted in bytes', () => {
    expect(parse({ ...valid, subject: 's'.repeat(255) }).subject).toHaveLength(255);
    expect(parse({ ...valid, message: 'm'.repeat(MAX_MESSAGE_BYTES) }).message).toHaveLength(
      MAX_MESSAGE_BYTES,
    );
    expect(problem({ ...valid, message: 'm'.repeat(MAX_MESSAGE_BYTES + 1) })).toBe(
      'message: must be at most 100 KiB',
    );
    // 'é' is two bytes in UTF-8: half as many characters already reach the limit.
    expect(problem({ ...valid, message: 'é'.repeat(MAX_MESSAGE_BYTES / 2 + 1) })).toBe(
      'message: must be at most 100 KiB',
    );
  });
});
