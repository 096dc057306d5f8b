import { readFileSync } from 'node:fs';
import path from 'node:path';
import bcryptjs from 'bcryptjs';
import { testHasher } from '../support/test-hasher';

/** Made by the Go original's library: see test/fixtures/go-bcrypt/main.go to regenerate. */
const fixture = JSON.parse(
  readFileSync(path.join(__dirname, '../fixtures/go-bcrypt.json'), 'utf8'),
) as { password: string; hash: string; cost: number };

describe('hashes made by the Go original (golang.org/x/crypto/bcrypt)', () => {
  const passwords = testHasher();

  it('is a $2a$ hash at cost 10', () => {
    expect(fixture.hash).toMatch(/^\$2a\$10\$[./A-Za-z0-9]{53}$/);
    expect(fixture.cost).toBe(10);
  });

  it('accepts the password it was made from', async () => {
    await expect(passwords.compare(fixture.password, fixture.hash)).resolves.toBe(true);
  });

  it('is accepted by bcryptjs too (the tests and the bench use it)', () => {
    expect(bcryptjs.compareSync(fixture.password, fixture.hash)).toBe(true);
  });

  it.each([
    ['a wrong password', 'verysecreT'],
    ['the password plus a character', `${fixture.password}x`],
    ['an empty password', ''],
  ])('refuses %s', async (_case, wrong) => {
    await expect(passwords.compare(wrong, fixture.hash)).resolves.toBe(false);
  });
});
