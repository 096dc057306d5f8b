import { UnauthorizedError } from '@ms/service-kit';
import { Authenticator } from '../../src/domain/authenticator';
import {
  FakePasswordHasher,
  FakeUserRepository,
  RecordingAttemptLog,
  userRecord,
} from '../support/fakes';

const DECOY = 'hash:decoy-nobody-knows';

function setup() {
  const users = new FakeUserRepository([
    userRecord(),
    userRecord({ id: 8, email: 'idle@example.com', passwordHash: 'hash:idle-pass', active: false }),
  ]);
  const passwords = new FakePasswordHasher();
  const attempts = new RecordingAttemptLog();
  const authenticator = new Authenticator({ users, passwords, attempts, decoyHash: DECOY });
  return { authenticator, users, passwords, attempts };
}

describe('Authenticator', () => {
  it('returns the public user for the right password and records a valid attempt', async () => {
    const { authenticator, attempts } = setup();

    const { user, role } = await authenticator.authenticate({
      email: 'ada@example.com',
      password: 'right-password',
    });

    expect(user).toEqual({
      id: 7,
      email: 'ada@example.com',
      first_name: 'Ada',
      last_name: 'Lovelace',
      active: true,
      created_at: '2024-01-02T03:04:05.000Z',
      updated_at: '2024-02-03T04:05:06.000Z',
    });
    expect(Object.keys(user)).not.toContain('passwordHash');
    expect(role).toBe('user');
    expect(attempts.records).toEqual([{ email: 'ada@example.com', outcome: 'valid' }]);
  });

  it.each([
    ['a wrong password', 'ada@example.com', 'wrong', 'hash:right-password'],
    ['an unknown email', 'ghost@example.com', 'right-password', DECOY],
    ['an inactive user with the right password', 'idle@example.com', 'idle-pass', 'hash:idle-pass'],
  ])(
    'refuses %s with the same error after exactly one bcrypt comparison',
    async (_case, email, password, comparedHash) => {
      const { authenticator, passwords, attempts } = setup();

      const outcome = authenticator.authenticate({ email, password });

      await expect(outcome).rejects.toThrow(UnauthorizedError);
      await expect(outcome).rejects.toThrow('invalid credentials');
      expect(passwords.comparisons).toEqual([{ password, hash: comparedHash }]);
      expect(attempts.records).toEqual([{ email, outcome: 'invalid' }]);
    },
  );

  it('lets a repository failure through without recording an attempt', async () => {
    const { authenticator, users, attempts } = setup();
    users.failWith = new Error('database down');

    await expect(
      authenticator.authenticate({ email: 'ada@example.com', password: 'right-password' }),
    ).rejects.toThrow('database down');
    expect(attempts.records).toEqual([]);
  });
});
