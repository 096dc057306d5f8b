import bcrypt from 'bcryptjs';
import { Client } from 'pg';
import request from 'supertest';
import type { StoredLogEntry } from '@ms/service-kit/contracts';
import { SEEDED_ADMIN, eventually, infra, uniqueName } from '@ms/testing';
import { SystemUnderTest } from '../support/system';

/**
 * The log console through the broker against the real services: a login's token (signed by
 * the real authentication service, checked against its JWKS fetched over HTTP) opens the
 * console's routes; the logger behind them runs on FerretDB.
 */
jest.setTimeout(60_000);

const system = new SystemUnderTest();
const name = uniqueName('console');

beforeAll(() => system.start());
afterAll(() => system.stop());

async function addUser(email: string, password: string): Promise<void> {
  const url = new URL(infra().postgresUrl);
  url.pathname = `/${system.name}`;
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query('INSERT INTO users (email, password) VALUES ($1, $2)', [
      email,
      await bcrypt.hash(password, 4),
    ]);
  } finally {
    await client.end();
  }
}

async function login(email: string, password: string): Promise<string> {
  const res = await request(system.broker.url)
    .post('/handle')
    .send({ action: 'auth', auth: { email, password } });
  expect(res.status).toBe(202);
  expect(res.body.message).toBe('Authenticated!');
  return (res.body.data as { access_token: string }).access_token;
}

interface Page {
  entries: StoredLogEntry[];
  next_cursor: string | null;
  complete: boolean;
}

const search = async (token: string, query: Record<string, string>) => {
  const res = await request(system.broker.url)
    .get('/logs/search')
    .query(query)
    .set('Authorization', `Bearer ${token}`);
  expect(res.status).toBe(200);
  return res.body.data as Page;
};

describe('the log console through the broker', () => {
  let adminToken: string;
  let userToken: string;

  beforeAll(async () => {
    const res = await request(system.broker.url)
      .post('/handle')
      .send({ action: 'auth', auth: SEEDED_ADMIN.credentials });
    // Every field the test page and the Go original read is where it was; the token joins them.
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      error: false,
      message: 'Authenticated!',
      data: {
        id: expect.any(Number),
        ...SEEDED_ADMIN.user,
        token_type: 'Bearer',
        expires_in: 900,
      },
    });
    adminToken = res.body.data.access_token as string;
    await addUser(`${name}@example.com`, 'readerpass');
    userToken = await login(`${name}@example.com`, 'readerpass');

    for (let i = 0; i < 25; i++) {
      await request(system.broker.url)
        .post('/handle')
        .send({ action: 'log', via: 'http', log: { name, data: `console entry ${i}` } })
        .expect(202);
    }
  });

  it('searches by name newest first and pages with the cursor', async () => {
    const first = await search(userToken, { name, limit: '10' });
    expect(first.entries.map((e) => e.data)).toEqual(
      Array.from({ length: 10 }, (_, i) => `console entry ${24 - i}`),
    );
    const seen = [...first.entries];
    let cursor = first.next_cursor;
    while (cursor) {
      const page = await search(userToken, { name, limit: '10', cursor });
      seen.push(...page.entries);
      cursor = page.next_cursor;
    }
    expect(seen.map((e) => e.data)).toEqual(
      Array.from({ length: 25 }, (_, i) => `console entry ${24 - i}`),
    );
    const text = await search(userToken, { name, q: 'ENTRY 1' });
    expect(text.entries.map((e) => e.data).sort()).toEqual(
      ['1', '10', '11', '12', '13', '14', '15', '16', '17', '18', '19'].map(
        (n) => `console entry ${n}`,
      ),
    );
  });

  it('lets a user read one entry but not delete; an admin deletes it', async () => {
    const [entry] = (await search(userToken, { name, limit: '1' })).entries;
    const id = entry!.id;
    const one = await request(system.broker.url)
      .get(`/logs/${id}`)
      .set('Authorization', `Bearer ${userToken}`);
    expect(one.status).toBe(200);
    expect(one.body.data).toMatchObject({ id, name, event_id: expect.any(String) });

    const refused = await request(system.broker.url)
      .delete(`/logs/${id}`)
      .set('Authorization', `Bearer ${userToken}`);
    expect(refused.status).toBe(403);
    const refusedAll = await request(system.broker.url)
      .delete('/logs')
      .set('Authorization', `Bearer ${userToken}`);
    expect(refusedAll.status).toBe(403);

    const deleted = await request(system.broker.url)
      .delete(`/logs/${id}`)
      .set('Authorization', `Bearer ${adminToken}`);
    expect(deleted.status).toBe(202);
    const gone = await request(system.broker.url)
      .get(`/logs/${id}`)
      .set('Authorization', `Bearer ${adminToken}`);
    expect(gone.status).toBe(404);
    expect((await search(userToken, { name })).entries.map((e) => e.id)).not.toContain(id);
  });

  it('401 without a token and with a forged one', async () => {
    expect((await request(system.broker.url).get('/logs/search')).status).toBe(401);
    const [header, , signature] = adminToken.split('.');
    const forged = `${header}.${Buffer.from('{"sub":"1","role":"admin"}').toString('base64url')}.${signature}`;
    const res = await request(system.broker.url)
      .delete('/logs')
      .set('Authorization', `Bearer ${forged}`);
    expect(res.status).toBe(401);
  });

  it('deletes every entry for an admin', async () => {
    const res = await request(system.broker.url)
      .delete('/logs')
      .set('Authorization', `Bearer ${adminToken}`);
    expect(res.status).toBe(202);
    expect((await search(adminToken, { name })).entries).toEqual([]);
    await eventually(async () => (await system.listed(name)).length === 0, {
      timeoutMs: 5000,
      what: 'GET /logs to be empty',
    });
  });
});
