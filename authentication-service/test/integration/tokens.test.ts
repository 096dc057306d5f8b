import { generateKeyPairSync } from 'node:crypto';
import { type JSONWebKeySet, createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import bcrypt from 'bcryptjs';
import request from 'supertest';
import { migrate } from '../../src/data/migrate';
import { NativeBcryptHasher } from '../../src/hashing/native-bcrypt-hasher';
import type { RunningService } from '@ms/service-kit';
import { start } from '../../src/service';
import { silentLogger } from '../support/log-capture';
import { testConfig } from '../support/test-config';
import { type TestDatabase, createTestDatabase, requirePostgres } from '../support/test-database';

const pem = (kind: 'ed25519' | 'ec') => {
  const pair =
    kind === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privatePem: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicPem: pair.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
};

describe('access tokens and JWKS (real Postgres)', () => {
  let db: TestDatabase;
  const services: RunningService[] = [];

  beforeAll(async () => {
    await requirePostgres();
    db = await createTestDatabase('auth_tokens');
  });

  afterAll(async () => {
    for (const service of services) await service.stop();
    await db?.drop();
  });

  async function startWith(env: Record<string, string>) {
    const service = await start(await testConfig(db.url, env), { logger: silentLogger() });
    services.push(service);
    return request(`http://127.0.0.1:${service.port}`);
  }

  async function login(http: ReturnType<typeof request>, email: string, password: string) {
    const res = await http.post('/authenticate').send({ email, password });
    expect(res.status).toBe(202);
    return res.body.data as { id: number; access_token: string; expires_in: number };
  }

  async function jwks(http: ReturnType<typeof request>): Promise<JSONWebKeySet> {
    const res = await http.get('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/jwk-set\+json/);
    return JSON.parse(res.text) as JSONWebKeySet;
  }

  it('signs with the configured Ed25519 key: sub, email, role, iss, aud, iat, exp; kid in the JWKS', async () => {
    const key = pem('ed25519');
    const http = await startWith({ TOKEN_PRIVATE_KEY: key.privatePem, TOKEN_TTL_MINUTES: '5' });
    const data = await login(http, 'admin@example.com', 'verysecret');
    const set = await jwks(http);

    expect(set.keys).toHaveLength(1);
    expect(set.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(set.keys[0]).not.toHaveProperty('d');
    const { payload, protectedHeader } = await jwtVerify(
      data.access_token,
      createLocalJWKSet(set),
      { issuer: 'authentication-service', audience: 'log-console', algorithms: ['EdDSA'] },
    );
    expect(protectedHeader.kid).toBe(set.keys[0]?.kid);
    expect(payload).toMatchObject({
      sub: String(data.id),
      email: 'admin@example.com',
      role: 'admin',
    });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(data.expires_in).toBe(300);
  });

  it('gives an ordinary user the role "user"', async () => {
    await db.pool.query(
      "INSERT INTO users (email, password) VALUES ('reader@example.com', $1) ON CONFLICT DO NOTHING",
      [await bcrypt.hash('readerpass', 4)],
    );
    const http = await startWith({});
    const data = await login(http, 'reader@example.com', 'readerpass');
    const { payload } = await jwtVerify(data.access_token, createLocalJWKSet(await jwks(http)), {
      audience: 'log-console',
    });
    expect(payload.role).toBe('user');
  });

  it('rotates keys: tokens of the previous key stay valid, new ones carry the new kid', async () => {
    const oldKey = pem('ed25519');
    const newKey = pem('ec');
    const before = await startWith({ TOKEN_PRIVATE_KEY: oldKey.privatePem });
    const oldToken = (await login(before, 'admin@example.com', 'verysecret')).access_token;
    const oldKid = decodeProtectedHeader(oldToken).kid;

    const after = await startWith({
      TOKEN_PRIVATE_KEY: newKey.privatePem,
      TOKEN_PREVIOUS_PUBLIC_KEYS: oldKey.publicPem,
    });
    const newToken = (await login(after, 'admin@example.com', 'verysecret')).access_token;
    const set = await jwks(after);

    expect(decodeProtectedHeader(newToken)).toMatchObject({ alg: 'ES256' });
    expect(set.keys.map((key) => key.kid)).toEqual([decodeProtectedHeader(newToken).kid, oldKid]);
    const keys = createLocalJWKSet(set);
    await expect(jwtVerify(oldToken, keys, { audience: 'log-console' })).resolves.toBeDefined();
    await expect(jwtVerify(newToken, keys, { audience: 'log-console' })).resolves.toBeDefined();

    // Once the old key is dropped from the list, its tokens no longer verify.
    const later = await startWith({ TOKEN_PRIVATE_KEY: newKey.privatePem });
    await expect(
      jwtVerify(oldToken, createLocalJWKSet(await jwks(later)), { audience: 'log-console' }),
    ).rejects.toThrow();
  });

  it('refuses to start with a key of another kind (RSA)', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    await expect(
      start(await testConfig(db.url, { TOKEN_PRIVATE_KEY: rsa }), { logger: silentLogger() }),
    ).rejects.toThrow(/TOKEN_PRIVATE_KEY: .*Ed25519/);
  });
});

describe('role column migration in place (real Postgres)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    await requirePostgres();
    db = await createTestDatabase('auth_roles');
  });
  afterAll(() => db?.drop());

  it('adds role to an existing table: existing users "user", the seeded admin "admin", once', async () => {
    // The table as it was before roles (and as the Go original makes it).
    await db.pool.query(`CREATE TABLE users (
      id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, email varchar(255) NOT NULL,
      first_name varchar(255) NOT NULL DEFAULT '', last_name varchar(255) NOT NULL DEFAULT '',
      password varchar(60) NOT NULL, user_active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now())`);
    await db.pool.query(
      "INSERT INTO users (email, password) VALUES ('Admin@Example.com', 'x'), ('someone@example.com', 'y')",
    );
    const passwords = new NativeBcryptHasher({
      cost: 4,
      concurrency: 1,
      maxWaiting: 1,
      maxWaitMs: 1000,
    });
    try {
      await expect(migrate(db.pool, passwords)).resolves.toEqual({
        seeded: false,
        rolesAdded: true,
      });
      const roles = async () =>
        (await db.pool.query('SELECT email, role FROM users ORDER BY id')).rows;
      expect(await roles()).toEqual([
        { email: 'Admin@Example.com', role: 'admin' },
        { email: 'someone@example.com', role: 'user' },
      ]);
      // A role changed later is kept by the next start.
      await db.pool.query("UPDATE users SET role = 'user'");
      await expect(migrate(db.pool, passwords)).resolves.toEqual({ seeded: false });
      expect((await roles()).map((row) => row.role)).toEqual(['user', 'user']);
    } finally {
      await passwords.close();
    }
  });
});
