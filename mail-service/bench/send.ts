/**
 * Sends per second with concurrent clients: `POST /send` on the mail-service (a child
 * process from source, NODE_ENV=production), against the in-run reference, a bare pooled
 * nodemailer transport in this process with the same pool size sending the same message
 * straight to the same SMTP server; and the same with the service's TCP_NODELAY sockets
 * (nodemailer's own sockets wait for a delayed ACK on every mail, see the README). They
 * alternate (BENCH_ROUNDS times) so that the neighbours' load on a shared machine hits all
 * alike. Every mail goes to one bench address, deleted from MailHog at the end.
 *
 *   npm run bench -w mail-service          # MAIL_HOST/MAIL_PORT as for the service
 *   BENCH_CLIENTS (20)  BENCH_DURATION_S (5)  BENCH_ROUNDS (2)  MAIL_POOL_SIZE (service default)
 *   MAIL_URL (unset: bench a running service instead; its pool size must match)
 *   BENCH_SERVICE_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof": profile the service)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseConfig } from '@ms/service-kit';
import { freePort, percentile, processCpuSeconds, sum, waitUntilReady } from '@ms/testing';
import nodemailer from 'nodemailer';
import { configSchema } from '../src/config';
import { noDelaySocket } from '../src/data/no-delay-socket';
import { MailTemplates } from '../src/domain/mail-templates';

const clients = Number(process.env.BENCH_CLIENTS ?? 20);
const durationMs = Number(process.env.BENCH_DURATION_S ?? 5) * 1000;
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const mailhogApiUrl = process.env.MAILHOG_API_URL ?? 'http://127.0.0.1:8025';

interface Run {
  /** CPU seconds used meanwhile by the service process and by this one (clients, reference). */
  serviceCpuSeconds: number;
  benchCpuSeconds: number;
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

/** `clients` closed loops of `send` for the bench duration. */
async function closedLoops(send: () => Promise<boolean>, servicePid?: number): Promise<Run> {
  const run: Run = {
    serviceCpuSeconds: 0,
    benchCpuSeconds: 0,
    ok: 0,
    errors: 0,
    seconds: 0,
    latencyMs: [],
  };
  const serviceCpu = processCpuSeconds(servicePid);
  const benchCpu = process.cpuUsage();
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
  run.serviceCpuSeconds = processCpuSeconds(servicePid) - serviceCpu;
  const { user, system } = process.cpuUsage(benchCpu);
  run.benchCpuSeconds = (user + system) / 1e6;
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

async function main(): Promise<void> {
  const config = parseConfig(configSchema, { ...process.env, PORT: '0' });
  const to = `bench-${randomUUID()}@example.com`;
  let url = process.env.MAIL_URL;
  let child: ChildProcess | undefined;
  if (!url) {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const nodeArgs = process.env.BENCH_SERVICE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts'], {
      cwd: path.join(__dirname, '..'),
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, NODE_ENV: 'production', PORT: String(port), LOG_LEVEL: 'warn' },
    });
  }
  const bareOptions = {
    pool: true,
    maxConnections: config.MAIL_POOL_SIZE,
    host: config.MAIL_HOST,
    port: config.MAIL_PORT,
    ignoreTLS: true,
  } as const;
  // nodemailer as it comes (Nagle's algorithm on), and with the service's TCP_NODELAY sockets.
  const bare = nodemailer.createTransport(bareOptions);
  const bareNoDelay = nodemailer.createTransport({
    ...bareOptions,
    getSocket: noDelaySocket({
      host: config.MAIL_HOST,
      port: config.MAIL_PORT,
      connectionTimeoutMs: config.MAIL_CONNECTION_TIMEOUT_MS,
    }),
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
  const directly = (transport: typeof bare) => async () => {
    const info = await transport.sendMail({
      from: { name: config.FROM_NAME, address: config.FROM_ADDRESS },
      replyTo: request.from,
      to,
      subject: request.subject,
      text,
      html,
    });
    return info.accepted.length === 1;
  };
  const senders = {
    service: { send: viaService, pid: child?.pid },
    'bare nodemailer': { send: directly(bare), pid: undefined },
    'bare nodemailer, TCP_NODELAY': { send: directly(bareNoDelay), pid: undefined },
  };
  type Sender = keyof typeof senders;
  const runs = new Map<Sender, Run[]>();
  try {
    await waitUntilReady(url, { child });
    for (const { send } of Object.values(senders)) await closedLoops(send); // warm-up
    for (let round = 0; round < rounds; round++) {
      for (const [name, { send, pid }] of Object.entries(senders) as [
        Sender,
        (typeof senders)[Sender],
      ][]) {
        runs.set(name, [...(runs.get(name) ?? []), await closedLoops(send, pid)]);
      }
    }
    const rate = (name: Sender) => {
      const of = runs.get(name) ?? [];
      return sum(of.map((r) => r.ok)) / sum(of.map((r) => r.seconds));
    };
    console.log(
      `Node ${process.version}, ${availableParallelism()} cores, SMTP ${config.MAIL_HOST}:${config.MAIL_PORT}, ` +
        `pool ${config.MAIL_POOL_SIZE}, ${clients} clients, ${rounds} x ${durationMs / 1000} s each, alternating`,
    );
    console.table(
      [...runs].flatMap(([name, of]) =>
        of.map((r, i) => ({
          sender: name,
          round: i + 1,
          'sends/s': (r.ok / r.seconds).toFixed(0),
          errors: r.errors,
          'p50 ms': percentile(r.latencyMs, 50).toFixed(1),
          'p99 ms': percentile(r.latencyMs, 99).toFixed(1),
          'service CPU ms/send': ((1000 * r.serviceCpuSeconds) / r.ok).toFixed(2),
          'bench CPU ms/send': ((1000 * r.benchCpuSeconds) / r.ok).toFixed(2),
        })),
      ),
    );
    const service = rate('service');
    console.log(
      `service ${service.toFixed(0)} sends/s; bare nodemailer ${rate('bare nodemailer').toFixed(0)}: ` +
        `ratio ${(service / rate('bare nodemailer')).toFixed(2)} (target >= 0.8); bare nodemailer ` +
        `with TCP_NODELAY ${rate('bare nodemailer, TCP_NODELAY').toFixed(0)}: ratio ` +
        `${(service / rate('bare nodemailer, TCP_NODELAY')).toFixed(2)}`,
    );
  } finally {
    bare.close();
    bareNoDelay.close();
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
