import { type Server, createServer } from 'node:http';
import { AppError } from '@ms/service-kit';
import { AuthClient } from '../../src/clients/auth-client';
import { sampleUser } from '../support/sample-user';

/** An authentication service on loopback that answers every login with `reply`. */
async function fakeAuthService(reply: { status: number; body: unknown }) {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const client = new AuthClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2000 });
  return {
    client,
    close: async () => {
      await client.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const user = sampleUser;
const credentials = { email: 'admin@example.com', password: 'verysecret' };

describe('AuthClient', () => {
  it('returns the user as sent, without a password hash', async () => {
    const auth = await fakeAuthService({
      status: 202,
      body: { error: false, message: 'Logged in', data: { ...user, password: '$2a$10$hash' } },
    });
    try {
      await expect(auth.client.authenticate(credentials)).resolves.toEqual(user);
    } finally {
      await auth.close();
    }
  });

  it("accepts the Go original's user as it sends it (user_active, a number)", async () => {
    const goUser = {
      id: 1,
      email: 'admin@example.com',
      first_name: 'Admin',
      last_name: 'User',
      user_active: 1,
      created_at: '2022-03-14T00:00:00Z',
      updated_at: '2022-03-14T00:00:00Z',
    };
    const auth = await fakeAuthService({
      status: 202,
      body: { error: false, message: 'Logged in user admin@example.com', data: goUser },
    });
    try {
      await expect(auth.client.authenticate(credentials)).resolves.toEqual(goUser);
    } finally {
      await auth.close();
    }
  });

  it.each([
    ['no data', { error: false, message: 'Logged in' }],
    ['a user without its id', { error: false, message: 'Logged in', data: { ...user, id: 'x' } }],
    ['an empty object', { error: false, message: 'Logged in', data: {} }],
    ['a user without an email', { error: false, message: 'Logged in', data: { id: 1 } }],
  ])('a 2xx with %s is a 502, never a login', async (_what, body) => {
    const auth = await fakeAuthService({ status: 202, body });
    try {
      const failure = await auth.client.authenticate(credentials).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(AppError);
      expect(failure).toMatchObject({
        status: 502,
        message: 'authentication service sent an unexpected answer',
      });
    } finally {
      await auth.close();
    }
  });
});
