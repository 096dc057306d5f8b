/**
 * Measures one send end to end: POST /send to an in-process mail-service, rendered,
 * inlined and accepted by the SMTP server (MailHog by default), answered 202.
 * The first send opens the pooled SMTP connection; the others reuse it.
 *
 *   npm run bench -w mail-service            # MAIL_HOST/MAIL_PORT as for the service
 *   BENCH_SENDS=200 npm run bench -w mail-service
 */
import { randomUUID } from 'node:crypto';
import { createLogger, parseConfig } from '@ms/service-kit';
import { configSchema } from '../src/config';
import { start } from '../src/service';

const sends = Number(process.env.BENCH_SENDS ?? 50);
const mailhogApiUrl = process.env.MAILHOG_API_URL ?? 'http://127.0.0.1:8025';

async function timedSend(url: string, to: string, index: number): Promise<number> {
  const started = process.hrtime.bigint();
  const response = await fetch(`${url}/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      from: 'bench@example.com',
      to,
      subject: `Bench ${index}`,
      message: `Message ${index}\nwith <b>markup</b> to escape & two lines.`,
    }),
    signal: AbortSignal.timeout(15_000),
  });
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (response.status !== 202) {
    throw new Error(`send ${index} answered ${response.status}: ${await response.text()}`);
  }
  return elapsedMs;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Removes the bench's mails from MailHog so they do not bury real ones in its UI. */
async function cleanUp(to: string): Promise<number> {
  const search = await fetch(`${mailhogApiUrl}/api/v2/search?kind=to&query=${to}&limit=1000`);
  if (!search.ok) return 0;
  const { items } = (await search.json()) as { items: { ID: string }[] };
  for (const { ID } of items) {
    await fetch(`${mailhogApiUrl}/api/v1/messages/${ID}`, { method: 'DELETE' });
  }
  return items.length;
}

async function main(): Promise<void> {
  const config = parseConfig(configSchema, { ...process.env, PORT: '0' });
  const service = await start(config, { logger: createLogger('mail-service', { level: 'warn' }) });
  const url = `http://127.0.0.1:${service.port}`;
  const to = `bench-${randomUUID()}@example.com`;
  try {
    const cold = await timedSend(url, to, 0);
    const warm: number[] = [];
    for (let i = 1; i <= sends; i++) warm.push(await timedSend(url, to, i));
    warm.sort((a, b) => a - b);
    const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
    console.log(`SMTP server ${config.MAIL_HOST}:${config.MAIL_PORT}, Node ${process.version}`);
    console.log(`first send (opens the pooled SMTP connection): ${fmt(cold)}`);
    console.log(
      `${sends} sequential sends on the pool: median ${fmt(percentile(warm, 50))}, ` +
        `p95 ${fmt(percentile(warm, 95))}, min ${fmt(warm[0] ?? NaN)}, max ${fmt(warm.at(-1) ?? NaN)}`,
    );
  } finally {
    await service.stop();
    const removed = await cleanUp(to).catch(() => 0);
    console.log(`removed ${removed} bench mails from MailHog`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
