import bcryptjs from 'bcryptjs';
import { NativeBcryptHasher } from '../../src/hashing/native-bcrypt-hasher';
import { testHasher } from '../support/test-hasher';

describe('NativeBcryptHasher', () => {
  const passwords = testHasher();

  it('writes $2b$ hashes at the configured cost that bcryptjs reads too', async () => {
    const hash = await passwords.hash('verysecret');
    expect(hash).toMatch(/^\$2b\$04\$[./A-Za-z0-9]{53}$/);
    expect(bcryptjs.compareSync('verysecret', hash)).toBe(true);
    await expect(passwords.compare('verysecret', hash)).resolves.toBe(true);
    await expect(passwords.compare('verysecreT', hash)).resolves.toBe(false);
  });

  it.each(['$2a$', '$2b$', '$2y$'])('reads %s hashes (made by bcryptjs)', async (prefix) => {
    const hash = `${prefix}${bcryptjs.hashSync('verysecret', 4).slice(4)}`;
    await expect(passwords.compare('verysecret', hash)).resolves.toBe(true);
    await expect(passwords.compare('wrong', hash)).resolves.toBe(false);
  });

  it.each(['', 'not a hash', '$2a$04$short', `$2x$04$${'a'.repeat(53)}`])(
    'compares a malformed hash %j as false instead of failing',
    async (hash) => {
      await expect(passwords.compare('verysecret', hash)).resolves.toBe(false);
    },
  );

  it('refuses work after close', async () => {
    const closed = new NativeBcryptHasher({
      cost: 4,
      concurrency: 1,
      maxWaiting: 1,
      maxWaitMs: 1000,
    });
    await closed.close();
    await expect(closed.compare('x', '$2b$04$x')).rejects.toMatchObject({
      status: 503,
      message: 'authentication busy',
    });
  });
});
