import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type InfraUrls,
  REPO_ROOT,
  createScratchDatabase,
  infra,
  mailHogProcess,
  portAccepts,
  requireMongo,
  requirePostgres,
  requireRabbitMq,
} from '@ms/testing';
import { type StackPlan, benchNames, benchPorts, distEntry, planStack } from './plan';
import { deleteAmqpTopology, dropMongoDatabase } from './resources';
import { ServiceProcess } from './service-process';
import type { Teardown } from './teardown';

export interface Stack extends StackPlan {
  infra: InfraUrls;
  urls: { broker: string; auth: string; logger: string; mail: string; listener: string };
  processes: ServiceProcess[];
  logDir: string;
  /** Throws, naming the service and its last output, if a service has died. */
  assertAlive(): void;
  /** Keep the services' log files after the run (something went wrong). */
  keepLogs(): void;
}

export interface StackOptions {
  runId: string;
  portBase: number;
  logLevel: string;
  keepLogs: boolean;
  /** See BenchOptions.cpuProfileDir. */
  cpuProfileDir?: string;
  readyTimeoutMs?: number;
}

/**
 * Starts the five services from their production builds against the shared infrastructure,
 * with the run's own Postgres database, MongoDB database, exchange and queues. Every
 * resource is registered with `teardown` as soon as it exists, so an interrupted start
 * leaves nothing behind either.
 */
export async function startStack(
  options: StackOptions,
  teardown: Teardown,
  log: (line: string) => void,
): Promise<Stack> {
  const names = benchNames(options.runId);
  const ports = benchPorts(options.portBase);
  const sharedInfra = infra();

  for (const folder of [
    'logger-service',
    'authentication-service',
    'mail-service',
    'listener-service',
    'broker-service',
  ]) {
    if (!existsSync(distEntry(folder))) {
      throw new Error(
        `${path.relative(REPO_ROOT, distEntry(folder))} is missing: run \`npm run build\` first`,
      );
    }
  }
  const busy = [];
  for (const port of Object.values(ports)) if (await portAccepts(port)) busy.push(port);
  if (busy.length) {
    throw new Error(
      `port(s) ${busy.join(', ')} already in use (another bench running?); choose others with BENCH_PORT_BASE`,
    );
  }
  await Promise.all([requirePostgres(), requireRabbitMq(), requireMongo()]);

  // A MailHog of the run's own: the bench's thousands of mails never mix with (or are
  // deleted from under) a shared MailHog that tests and `make dev` read.
  const mailhog = await mailHogProcess();
  teardown.add("the run's MailHog", () => mailhog.stop());
  await mailhog.start();
  const infraUrls: InfraUrls = {
    ...sharedInfra,
    mailHost: '127.0.0.1',
    mailPort: mailhog.smtpPort,
    mailhogApiUrl: mailhog.apiUrl,
  };

  const logDir = mkdtempSync(path.join(tmpdir(), `${options.runId}-`));
  let failed = false;
  teardown.add('service logs', () => {
    if (failed || options.keepLogs) log(`service logs kept in ${logDir}`);
    else rmSync(logDir, { recursive: true, force: true });
  });

  const authDb = await createScratchDatabase('bench_auth');
  teardown.add(`Postgres database ${authDb.name}`, () => authDb.drop());
  teardown.add(`MongoDB database ${names.mongoDb}`, () =>
    dropMongoDatabase(infraUrls.mongoUrl, names.mongoDb),
  );

  const plan = planStack({
    names,
    ports,
    infra: infraUrls,
    authPostgresUrl: authDb.url,
    logLevel: options.logLevel,
    baseEnv: process.env,
  });
  teardown.add(`RabbitMQ ${names.exchange} and its queues`, () =>
    deleteAmqpTopology(infraUrls.amqpUrl, {
      queues: plan.effective.amqpQueues,
      exchanges: plan.effective.amqpExchanges,
    }),
  );

  const processes = plan.services.map(
    (service) =>
      new ServiceProcess({
        name: service.name,
        args: [...profileArgs(options.cpuProfileDir, service.name), distEntry(service.folder)],
        cwd: path.join(REPO_ROOT, service.folder),
        env: service.env,
        logFile: path.join(logDir, `${service.name}.log`),
      }),
  );
  teardown.add('services', async () => {
    // The broker first, so nothing new reaches the others while they drain.
    const broker = processes.find((p) => p.name === 'broker');
    const others = processes.filter((p) => p !== broker);
    await broker?.stop();
    const results = await Promise.allSettled(others.map((p) => p.stop()));
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    if (errors.length) throw new Error(errors.join('; '));
  });
  const assertAlive = () => {
    const dead = processes.find((p) => p.exited);
    if (dead) {
      failed = true;
      throw new Error(dead.describeExit());
    }
  };

  log(`starting the stack (ports ${options.portBase}-${options.portBase + 7}, logs in ${logDir})`);
  for (const p of processes) p.start();
  await waitUntilReady(plan, assertAlive, options.readyTimeoutMs ?? 90_000).catch((err) => {
    failed = true;
    throw err;
  });

  const url = (port: number) => `http://127.0.0.1:${port}`;
  return {
    ...plan,
    infra: infraUrls,
    urls: {
      broker: url(ports.broker),
      auth: url(ports.auth),
      logger: url(ports.logger),
      mail: url(ports.mail),
      listener: url(ports.listener),
    },
    processes,
    logDir,
    assertAlive,
    keepLogs: () => {
      failed = true;
    },
  };
}

async function waitUntilReady(
  plan: StackPlan,
  assertAlive: () => void,
  timeoutMs: number,
): Promise<void> {
  const waiting = new Set(plan.services);
  const deadline = Date.now() + timeoutMs;
  while (waiting.size > 0) {
    assertAlive();
    for (const service of [...waiting]) {
      const ready = await fetch(`http://127.0.0.1:${service.port}/readyz`, {
        signal: AbortSignal.timeout(2000),
      }).then(
        (res) => res.status === 200,
        () => false,
      );
      if (ready) waiting.delete(service);
    }
    if (waiting.size === 0) return;
    if (Date.now() > deadline) {
      const names = [...waiting].map((s) => s.name).join(', ');
      throw new Error(`not ready after ${timeoutMs / 1000} s: ${names}`);
    }
    await sleep(250);
  }
}

/** `node --cpu-prof` into <dir>/<service>/ when BENCH_CPU_PROFILE is set (written at exit). */
function profileArgs(dir: string | undefined, service: string): string[] {
  return dir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${path.join(dir, service)}`];
}
