/**
 * Sends per second with concurrent clients: `POST /send` on the mail-service (a child
 * process from source, NODE_ENV=production), against the in-run reference, a bare pooled
 * nodemailer transport in this process with the same pool size sending the same message
 * straight to the same SMTP server. The two alternate (BENCH_ROUNDS times) so that the
 * neighbours' load on a shared machine hits both alike. Every mail goes to one bench
 * address, deleted from MailHog at the end.
 *
 *   npm run bench -w mail-service          # MAIL_HOST/MAIL_PORT as for the service
 *   BENCH_CLIENTS (20)  BENCH_DURATION_S (5)  BENCH_ROUNDS (2)  MAIL_POOL_SIZE (service default)
 *   MAIL_URL (unset: bench a running service instead; its pool size must match)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseConfig } from '@ms/service-kit';
import { freePort } from '@ms/service-kit/testing';
import nodemailer from 'nodemailer';
import { configSchema } from '../src/config';
import { MailTemplates } from '../src/domain/mail-templates';

const clients = Number(process.env.BENCH_CLIENTS ?? 20);
const durationMs = Number(process.env.BENCH_DURATION_S ?? 5) * 1000;
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const mailhogApiUrl = process.env.MAILHOG_API_URL ?? 'http://127.0.0.1:8025';

interface Run {
  ok: number;
  errors: number;
  seconds: number;
  latencyMs: number[];
}

const request = {
  from: 'bench@example.com',
  subject: 'Bench mail',
  message: 'A bench message\nwith <b>markup</b> to escape & two lines.',
};

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** `clients` closed loops of `send` for the bench duration. */
async function closedLoops(send: () => Promise<boolean>): Promise<Run> {
  const run: Run = { ok: 0, errors: 0, seconds: 0, latencyMs: [] };
  const started = performance.now();
  const until = started + durationMs;
  const loop = async () => {
    while (performance.now() < until) {
      const sentAt = performance.now();
      const ok = await send().catch(() => false);
      if (ok) {
        run.ok++;
        run.latencyMs.push(performance.now() - sentAt);
      } else run.errors++;
    }
  };
  await Promise.all(Array.from({ length: clients }, loop));
  run.seconds = (performance.now() - started) / 1000;
  return run;
}

/** Deletes the bench's mails, a page at a time, so they do not bury real ones. */
async function cleanUp(to: string): Promise<number> {
  let removed = 0;
  for (;;) {
    const query = new URLSearchParams({ kind: 'to', query: to, limit: '250' });
    const search = await fetch(`${mailhogApiUrl}/api/v2/search?${query}`);
    if (!search.ok) return removed;
    const { items } = (await search.json()) as { items: { ID: string }[] };
    if (items.length === 0) return removed;
    for (const { ID } of items) {
      await fetch(`${mailhogApiUrl}/api/v1/messages/${ID}`, { method: 'DELETE' });
      removed++;
    }
  }
}

async function waitReady(url: string, child: ChildProcess | undefined): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`service exited ${child.exitCode}`);
    const ok = await fetch(`${url}/readyz`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('service not ready after 60 s');
}

async function main(): Promise<void> {
  const config = parseConfig(configSchema, { ...process.env, PORT: '0' });
  const to = `bench-${randomUUID()}@example.com`;
  let url = process.env.MAIL_URL;
  let child: ChildProcess | undefined;
  if (!url) {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [require.resolve('tsx/cli'), 'src/main.ts'], {
      cwd: path.join(__dirname, '..'),
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, NODE_ENV: 'production', PORT: String(port), LOG_LEVEL: 'warn' },
    });
  }
  const bare = nodemailer.createTransport({
    pool: true,
    maxConnections: config.MAIL_POOL_SIZE,
    host: config.MAIL_HOST,
    port: config.MAIL_PORT,
    ignoreTLS: true,
  });
  const { html, text } = (await MailTemplates.load()).render({
    subject: request.subject,
    message: request.message,
    fromName: config.FROM_NAME,
  });
  const body = JSON.stringify({ ...request, to });
  const viaService = async () => {
    const res = await fetch(`${url}/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    await res.arrayBuffer();
    return res.status === 202;
  };
  const viaBareNodemailer = async () => {
    const info = await bare.sendMail({
      from: { name: config.FROM_NAME, address: config.FROM_ADDRESS },
      replyTo: request.from,
      to,
      subject: request.subject,
      text,
      html,
    });
    return info.accepted.length === 1;
  };
  try {
    await waitReady(url, child);
    await closedLoops(viaService); // warm-up: JIT and both pools' connections
    await closedLoops(viaBareNodemailer);
    const service: Run[] = [];
    const reference: Run[] = [];
    for (let round = 0; round < rounds; round++) {
      reference.push(await closedLoops(viaBareNodemailer));
      service.push(await closedLoops(viaService));
    }
    const rate = (runs: Run[]) =>
      runs.reduce((a, r) => a + r.ok, 0) / runs.reduce((a, r) => a + r.seconds, 0);
    const errors = (runs: Run[]) => runs.reduce((a, r) => a + r.errors, 0);
    console.log(
      `Node ${process.version}, ${availableParallelism()} cores, SMTP ${config.MAIL_HOST}:${config.MAIL_PORT}, ` +
        `pool ${config.MAIL_POOL_SIZE}, ${clients} clients, ${rounds} x ${durationMs / 1000} s each`,
    );
    console.table(
      service.map((r, i) => ({
        round: i + 1,
        'bare nodemailer sends/s': (reference[i]!.ok / reference[i]!.seconds).toFixed(0),
        'service sends/s': (r.ok / r.seconds).toFixed(0),
        'service p50 ms': percentile(r.latencyMs, 50).toFixed(1),
        'service p99 ms': percentile(r.latencyMs, 99).toFixed(1),
        errors: r.errors + reference[i]!.errors,
      })),
    );
    console.log(
      `service ${rate(service).toFixed(0)} sends/s (${errors(service)} errors), bare nodemailer ` +
        `${rate(reference).toFixed(0)} sends/s (${errors(reference)} errors); ratio ` +
        `${(rate(service) / rate(reference)).toFixed(2)} (target >= 0.8)`,
    );
  } finally {
    bare.close();
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child!.once('exit', resolve));
    }
    const removed = await cleanUp(to).catch(() => 0);
    console.log(`removed ${removed} bench mails from MailHog`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
