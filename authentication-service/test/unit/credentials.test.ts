import { ValidationError } from '@ms/service-kit';
import { normaliseEmail, parseCredentials } from '../../src/domain/credentials';

describe('parseCredentials', () => {
  it('accepts an email and a password, trimming the email and keeping the password as is', () => {
    expect(parseCredentials({ email: ' a@b.c ', password: ' pass word ' })).toEqual({
      email: 'a@b.c',
      password: ' pass word ',
    });
  });

  it('drops fields it does not know', () => {
    expect(parseCredentials({ email: 'a@b.c', password: 'x', admin: true })).toEqual({
      email: 'a@b.c',
      password: 'x',
    });
  });

  it('takes any string as an email: its existence is checked, not its shape', () => {
    expect(parseCredentials({ email: "' OR 1=1 --", password: 'x' }).email).toBe("' OR 1=1 --");
  });

  it('accepts a password of exactly 72 bytes and refuses 73 (multi-byte characters count as bytes)', () => {
    expect(() => parseCredentials({ email: 'a@b.c', password: 'p'.repeat(72) })).not.toThrow();
    expect(() => parseCredentials({ email: 'a@b.c', password: 'é'.repeat(37) })).toThrow(
      'password: must be at most 72 bytes',
    );
  });

  it.each([
    [undefined, 'body is required'],
    ['a string', 'body must be a JSON object'],
    [{}, 'email: is required'],
    [{ email: 'a@b.c' }, 'password: is required'],
    [{ email: true, password: 'x' }, 'email: must be a string'],
    [{ email: 'a@b.c', password: 12345 }, 'password: must be a string'],
    [{ email: 'a@b.c', password: { $ne: null } }, 'password: must be a string'],
    [{ email: '', password: 'x' }, 'email: must not be empty'],
    [{ email: 'a@b.c', password: '' }, 'password: must not be empty'],
    [{ email: 'x'.repeat(255), password: 'x' }, 'email: must be at most 254 characters'],
  ])('refuses %j with a ValidationError "%s"', (input, message) => {
    expect(() => parseCredentials(input)).toThrow(new ValidationError(message));
  });
});

describe('normaliseEmail', () => {
  it('trims and lower-cases', () => {
    expect(normaliseEmail('  Ada@Example.COM ')).toBe('ada@example.com');
  });
});
