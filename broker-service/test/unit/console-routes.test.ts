import request from 'supertest';
import { Fakes, appWithFakes } from '../support/fakes';
import { localVerifier, signToken, testKey, unsignedToken, type TestKey } from '../support/tokens';

const ID = '0123456789abcdef01234567';
const ROUTES: { method: 'get' | 'delete'; path: string; admin: boolean }[] = [
  { method: 'get', path: '/logs/search?name=auth&q=failed', admin: false },
  { method: 'get', path: `/logs/${ID}`, admin: false },
  { method: 'delete', path: `/logs/${ID}`, admin: true },
  { method: 'delete', path: '/logs', admin: true },
];

describe('the log console routes: tokens and roles', () => {
  let key: TestKey;
  let otherKey: TestKey;
  let fakes: Fakes;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    key = await testKey();
    otherKey = await testKey();
  });

  beforeEach(() => {
    fakes = new Fakes();
    http = request(appWithFakes(fakes, localVerifier(key)).app);
  });

  const call = (route: (typeof ROUTES)[number], token?: string) => {
    const req = http[route.method](route.path);
    return token === undefined ? req : req.set('Authorization', `Bearer ${token}`);
  };

  describe.each(ROUTES)('$method $path', (route) => {
    it('401 without a token, with WWW-Authenticate, and nothing reaches the logger', async () => {
      const res = await call(route);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.body).toEqual({ error: true, message: 'sign in: a bearer token is required' });
      const basic = await http[route.method](route.path).set('Authorization', 'Basic YTpi');
      expect(basic.status).toBe(401);
      expect(fakes.consoleCalls).toEqual([]);
    });

    it.each<[string, (k: TestKey, other: TestKey) => Promise<string>, string]>([
      ['expired', (k) => signToken(k, { expiresIn: -60 }), 'token expired'],
      [
        'tampered (role changed after signing)',
        async (k) => {
          const [header, payload, signature] = (await signToken(k, { role: 'user' })).split('.');
          const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as object;
          const forged = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString(
            'base64url',
          );
          return `${header}.${forged}.${signature}`;
        },
        'invalid token',
      ],
      ['signed by an unknown key (wrong kid)', (_k, other) => signToken(other), 'invalid token'],
      [
        'signed by another key under the right kid',
        (k, other) => signToken(other, { kid: k.kid }),
        'invalid token',
      ],
      ['for another audience', (k) => signToken(k, { audience: 'other-app' }), 'invalid token'],
      ['from another issuer', (k) => signToken(k, { issuer: 'someone-else' }), 'invalid token'],
      [
        'alg none',
        async () =>
          unsignedToken({
            sub: '1',
            email: 'admin@example.com',
            role: 'admin',
            iss: 'authentication-service',
            aud: 'log-console',
            iat: Math.floor(Date.now() / 1000),
            exp: Math.floor(Date.now() / 1000) + 600,
          }),
        'invalid token',
      ],
      ['not a JWT', async () => 'abc.def', 'sign in: a bearer token is required'],
    ])('401 for a token %s', async (_case, make, message) => {
      const res = await call(route, await make(key, otherKey));
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: true, message });
      expect(fakes.consoleCalls).toEqual([]);
    });

    it(route.admin ? '403 for the role user' : 'answers the role user', async () => {
      const res = await call(route, await signToken(key, { role: 'user' }));
      if (route.admin) {
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ error: true, message: 'forbidden: needs the role admin' });
        expect(fakes.consoleCalls).toEqual([]);
      } else {
        expect(res.status).toBe(200);
        expect(fakes.consoleCalls).toHaveLength(1);
      }
    });

    it('answers an admin', async () => {
      const res = await call(route, await signToken(key));
      expect(res.status).toBe(route.method === 'delete' ? 202 : 200);
      expect(res.body.error).toBe(false);
      expect(fakes.consoleCalls).toHaveLength(1);
    });
  });

  it('passes the search on as validated, and refuses a bad query or id with 400', async () => {
    const token = await signToken(key, { role: 'user' });
    const ok = await http
      .get('/logs/search')
      .query({ name: 'auth', q: 'failed', limit: '20', cursor: 'abc.0123' })
      .set('Authorization', `Bearer ${token}`);
    expect(ok.status).toBe(200);
    expect(fakes.consoleCalls).toEqual([
      `search ${JSON.stringify({ name: 'auth', q: 'failed', limit: 20, cursor: 'abc.0123' })}`,
    ]);
    const badLimit = await http
      .get('/logs/search?limit=5000')
      .set('Authorization', `Bearer ${token}`);
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.message).toMatch(/^limit/);
    const badId = await http.get('/logs/nope').set('Authorization', `Bearer ${token}`);
    expect(badId.status).toBe(400);
    expect(badId.body.message).toMatch(/^id/);
  });

  it('keeps GET /logs open to everyone (the test page)', async () => {
    const res = await http.get('/logs?limit=5');
    expect(res.status).toBe(200);
  });

  it('accepts tokens of the previous key while both are published (rotation)', async () => {
    const rotated = request(appWithFakes(fakes, localVerifier(otherKey, key)).app);
    for (const signer of [key, otherKey]) {
      const res = await rotated
        .get('/logs/search')
        .set('Authorization', `Bearer ${await signToken(signer, { role: 'user' })}`);
      expect(res.status).toBe(200);
    }
  });
});
