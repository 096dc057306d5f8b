/**
 * Measures how long one login takes at the configured BCRYPT_COST: starts the service
 * in-process against a throw-away database on the configured Postgres, then times
 * sequential POST /authenticate round trips (success, wrong password, unknown email)
 * and a bare bcrypt comparison. Usage: npm run bench -w authentication-service
 * (BCRYPT_COST=12 BENCH_ROUNDS=50 to compare).
 */
import { randomBytes } from 'node:crypto';
import { createLogger, parseConfig } from '@ms/service-kit';
import bcrypt from 'bcryptjs';
import { Client } from 'pg';
import { configSchema } from '../src/config';
import { start } from '../src/service';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);

async function onServer<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  return `min ${ms(at(0))}  median ${ms(at(0.5))}  p95 ${ms(at(0.95))}  max ${ms(at(1))}`;
}

async function time(rounds: number, once: (round: number) => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    await once(round);
    samples.push(performance.now() - started);
  }
  return samples;
}

async function main(): Promise<void> {
  const config = parseConfig(configSchema, {
    ...process.env,
    PORT: '0',
    LOGIN_MAX_FAILURES: '1000000',
  });
  const database = `auth_bench_${randomBytes(4).toString('hex')}`;
  const databaseUrl = new URL(config.POSTGRES_URL);
  databaseUrl.pathname = `/${database}`;
  await onServer(config.POSTGRES_URL, (c) => c.query(`CREATE DATABASE "${database}"`));
  const logger = createLogger('authentication-bench', { level: process.env.LOG_LEVEL ?? 'error' });
  const service = await start({ ...config, POSTGRES_URL: databaseUrl.toString() }, { logger });
  try {
    const url = `http://127.0.0.1:${service.port}/authenticate`;
    const login = async (email: string, password: string, expected: number) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      await res.arrayBuffer();
      if (res.status !== expected) throw new Error(`expected ${expected}, got ${res.status}`);
    };
    await time(3, () => login('admin@example.com', 'verysecret', 202)); // warm-up

    const success = await time(ROUNDS, () => login('admin@example.com', 'verysecret', 202));
    const wrongPassword = await time(ROUNDS, () => login('admin@example.com', 'wrong', 401));
    const unknownEmail = await time(ROUNDS, (i) => login(`nobody${i}@example.com`, 'x', 401));
    const hash = await bcrypt.hash('verysecret', config.BCRYPT_COST);
    const compare = await time(ROUNDS, async () => {
      await bcrypt.compare('verysecret', hash);
    });

    console.log(`bcrypt cost ${config.BCRYPT_COST}, ${ROUNDS} sequential rounds each`);
    console.log(`successful login (HTTP round trip)  ${summary(success)}`);
    console.log(`wrong password   (HTTP round trip)  ${summary(wrongPassword)}`);
    console.log(`unknown email    (HTTP round trip)  ${summary(unknownEmail)}`);
    console.log(`bcrypt.compare alone                ${summary(compare)}`);
  } finally {
    await service.stop();
    await onServer(config.POSTGRES_URL, (c) =>
      c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`),
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
