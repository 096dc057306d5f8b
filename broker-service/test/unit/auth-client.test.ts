import { type Server, createServer } from 'node:http';
import { AppError } from '@ms/service-kit';
import { AuthClient } from '../../src/clients/auth-client';

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

const user = {
  id: 1,
  email: 'admin@example.com',
  first_name: 'Admin',
  last_name: 'User',
  active: true,
  created_at: '2026-11-21T21:25:13.480Z',
  updated_at: '2026-11-21T21:25:13.480Z',
};
const credentials = { email: 'admin@example.com', password: 'verysecret' };

describe('AuthClient', () => {
  it('returns the user of the contract, and nothing else it was sent (a password hash)', async () => {
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

  it.each([
    ['no data', { error: false, message: 'Logged in' }],
    ['a user without its id', { error: false, message: 'Logged in', data: { ...user, id: 'x' } }],
    ['an empty object', { error: false, message: 'Logged in', data: {} }],
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
