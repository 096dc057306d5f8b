// The Docker path for real (`make test-images`, project/images/test.sh): every service image
// built exactly as `make up-build` builds it (the compose file's Dockerfile, context and tag),
// then run on its own ports against the local infrastructure, with names of its own (database,
// exchange, queues), and checked the way a user would find it: healthy, not root, ready, every
// action through the containerised broker, a prompt clean stop, nothing but compiled
// JavaScript and production dependencies inside.
//
// Needs an engine (DOCKER_HOST), Compose v2 (DOCKER_CONFIG) and the base image: test.sh
// provides all three. Builds and containers use host networking, as the private engine has
// no bridge network.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseConfig } from '@ms/service-kit';
import {
  createScratchDatabase,
  deleteRabbitNames,
  eventually,
  infra,
  REPO_ROOT,
  type ScratchDatabase,
  uniqueName,
  withMongo,
} from '@ms/testing';
import { retryQueueName } from '../../listener-service/src/amqp/topology';
import { configSchema as listenerConfigSchema } from '../../listener-service/src/config';
import { containerLogTail, docker, inspect } from './support/docker';

jest.setTimeout(120_000);

type ServiceName =
  | 'front-end'
  | 'logger-service'
  | 'authentication-service'
  | 'mail-service'
  | 'listener-service'
  | 'broker-service';

/** In the order they start: each one's dependencies first, the broker last. */
const SERVICES: ServiceName[] = [
  'logger-service',
  'authentication-service',
  'mail-service',
  'listener-service',
  'broker-service',
  'front-end',
];
/** The compose file runs the page on the host (`make start`); the Kubernetes overlays run this image. */
const NOT_IN_COMPOSE: Partial<Record<ServiceName, ComposeService>> = {
  'front-end': {
    build: { context: REPO_ROOT, dockerfile: 'front-end/Dockerfile' },
    image: 'ts-microservices/front-end:dev',
    environment: {},
  },
};

/** Host ports of their own (the bench uses 18080-18087). */
const PORT = {
  'broker-service': 18180,
  'authentication-service': 18181,
  'logger-service': 18182,
  'mail-service': 18183,
  'listener-service': 18184,
  'front-end': 18187,
  loggerRpc: 18185,
  loggerGrpc: 18186,
} as const;

/** Names of their own, so nothing collides with the tests, the bench or `make dev`. */
const NAMES = {
  mongoDb: 'ts_ms_images_logs',
  exchange: 'ts_ms_images_logs_topic',
  queue: 'ts_ms_images.listener',
  deadLetterExchange: 'ts_ms_images.dead',
  deadLetterQueue: 'ts_ms_images.listener.dead',
};

const BUILD_TIMEOUT_MS = 15 * 60_000;
const HEALTHY_TIMEOUT_MS = 90_000;
/** `docker stop` sends SIGTERM, then SIGKILL after this long: a clean stop is well inside it. */
const STOP_GRACE_S = 20;
const PROMPT_STOP_MS = 10_000;

interface ComposeBuild {
  context: string;
  dockerfile: string;
  [other: string]: unknown;
}
interface ComposeService {
  build?: ComposeBuild;
  image?: string;
  environment?: Record<string, string | null>;
  /** As `docker compose config` normalises them: the secret's name and where it is mounted. */
  secrets?: { source: string; target?: string }[];
}

const urls = infra();
const containerName = (service: ServiceName) => `ts-ms-images-${service}`;
const local = (port: number) => `http://127.0.0.1:${port}`;

let compose: Record<string, ComposeService> = {};
/** Top-level secrets of the compose file: name -> file on the host. */
let composeSecrets: Record<string, { file?: string }> = {};
const built = new Set<ServiceName>();

function service(name: ServiceName): ComposeService {
  const found = NOT_IN_COMPOSE[name] ?? compose[name];
  if (!found) throw new Error(`docker compose config lists no ${name}`);
  return found;
}

beforeAll(async () => {
  await docker(['info'], { timeoutMs: 15_000 }).catch((err: unknown) => {
    throw new Error(
      `no Docker engine answers (${String(err).split('\n')[0]}); run \`make test-images\`, which starts one`,
    );
  });
});

describe('docker compose config', () => {
  it('accepts project/docker-compose.yml and builds every service from the repository root', async () => {
    const { stdout } = await docker(
      [
        'compose',
        '-f',
        path.join(REPO_ROOT, 'project/docker-compose.yml'),
        'config',
        '--format',
        'json',
      ],
      { timeoutMs: 30_000 },
    );
    const config = JSON.parse(stdout) as {
      services: Record<string, ComposeService>;
      secrets?: Record<string, { file?: string }>;
    };
    compose = config.services;
    composeSecrets = config.secrets ?? {};
    for (const name of SERVICES.filter((service) => !NOT_IN_COMPOSE[service])) {
      const { build, image } = service(name);
      expect(build?.context).toBe(REPO_ROOT);
      expect(build?.dockerfile).toBe(`${name}/Dockerfile`);
      expect(image).toBe(`ts-microservices/${name}:dev`);
      // a build setting this test does not pass on (args, target, ...) must be added here first
      expect(Object.keys(build ?? {}).sort()).toEqual(['context', 'dockerfile']);
    }
  });
});

describe.each(SERVICES)('the %s image', (name) => {
  it('builds from the Dockerfile, context and tag the compose file names', async () => {
    const { build, image } = service(name);
    if (!build || !image) throw new Error(`${name} has no build or image in the compose file`);
    await docker(
      [
        'build',
        '--network',
        'host',
        '-f',
        path.join(build.context, build.dockerfile),
        '-t',
        image,
        build.context,
      ],
      // the legacy builder: BuildKit would try to pull its dockerfile frontend image
      { timeoutMs: BUILD_TIMEOUT_MS, env: { DOCKER_BUILDKIT: '0' } },
    );
    built.add(name);
    expect(await inspect<string>(image, '.Config.User')).toBe('node');
  });

  it('holds compiled JavaScript and production dependencies only', async () => {
    const image = requireBuilt(name);
    const { stdout } = await docker(
      [
        'run',
        '--rm',
        '--network',
        'none',
        '--entrypoint',
        'node',
        image,
        '-e',
        LIST_IMAGE_CONTENTS,
      ],
      { timeoutMs: 60_000 },
    );
    const contents = JSON.parse(stdout) as {
      typescript: string[];
      packages: string[];
      files: string[];
    };
    expect(contents.typescript).toEqual([]);
    expect(contents.files).toContain(`${name}/dist/main.js`);
    const devOnly = devOnlyPackages();
    expect(devOnly.size).toBeGreaterThan(10); // the lock file really marks dev packages
    expect(contents.packages.filter((pkg) => devOnly.has(pkg))).toEqual([]);
  });
});

describe('the containers, on their own ports against the local infrastructure', () => {
  let database: ScratchDatabase | undefined;

  beforeAll(async () => {
    await removeContainers();
    await resetRabbitNames();
    await dropMongoDatabase();
    database = await createScratchDatabase('ts_ms_images_users');
    for (const name of SERVICES) {
      if (!built.has(name)) continue; // its build test failed and says why
      await docker([
        'run',
        '--detach',
        '--name',
        containerName(name),
        '--network',
        'host',
        ...envArgs(name, database),
        ...secretArgs(name),
        service(name).image as string,
      ]);
    }
  });

  afterAll(async () => {
    await removeContainers();
    await resetRabbitNames().catch(() => undefined);
    await dropMongoDatabase().catch(() => undefined);
    await database?.drop();
  });

  describe.each(SERVICES)('%s', (name) => {
    it('turns healthy under the image HEALTHCHECK', async () => {
      requireBuilt(name);
      const deadline = Date.now() + HEALTHY_TIMEOUT_MS;
      for (;;) {
        const state = await inspect<{
          Status: string;
          ExitCode: number;
          Health?: { Status: string };
        }>(containerName(name), '.State');
        if (state.Health?.Status === 'healthy') return;
        const why =
          state.Status === 'exited'
            ? `exited ${state.ExitCode}`
            : Date.now() > deadline &&
              `is ${state.Health?.Status ?? state.Status} after ${HEALTHY_TIMEOUT_MS / 1000} s`;
        if (why) {
          throw new Error(
            `${name} ${why}; its last log lines:\n${await containerLogTail(containerName(name))}`,
          );
        }
        await sleep(500);
      }
    });

    it('runs its process as a user other than root', async () => {
      requireBuilt(name);
      const { stdout } = await docker(['exec', containerName(name), 'cat', '/proc/1/status']);
      const uids = /^Uid:\s+(.+)$/m.exec(stdout)?.[1]?.trim().split(/\s+/).map(Number) ?? [];
      expect(uids).toHaveLength(4);
      for (const uid of uids) expect(uid).not.toBe(0);
    });

    it('answers /readyz with 200', async () => {
      requireBuilt(name);
      const response = await fetch(`${local(PORT[name])}/readyz`, {
        signal: AbortSignal.timeout(3000),
      });
      expect(response.status).toBe(200);
    });
  });

  it('the containerised page is served, pointed at the containerised broker', async () => {
    requireBuilt('front-end');
    const page = await fetch(`${local(PORT['front-end'])}/`, { signal: AbortSignal.timeout(3000) });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const config = await fetch(`${local(PORT['front-end'])}/config.js`, {
      signal: AbortSignal.timeout(3000),
    });
    expect(await config.text()).toContain(JSON.stringify(local(PORT['broker-service'])));
  });

  describe('one request per action through the containerised broker', () => {
    const broker = local(PORT['broker-service']);

    async function handle(
      body: unknown,
    ): Promise<{ status: number; body: { error: boolean; message: string; data?: unknown } }> {
      const response = await fetch(`${broker}/handle`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      return { status: response.status, body: (await response.json()) as never };
    }

    async function storedOnce(name: string): Promise<number> {
      const count = async () => {
        const response = await fetch(
          `${broker}/logs?${new URLSearchParams({ name, limit: '10' })}`,
          {
            signal: AbortSignal.timeout(5000),
          },
        );
        const body = (await response.json()) as { data?: { name: string }[] };
        return (body.data ?? []).filter((entry) => entry.name === name).length;
      };
      await eventually(async () => (await count()) > 0, {
        timeoutMs: 20_000,
        what: `${name} stored`,
      });
      return count();
    }

    it('auth: the seeded admin signs in', async () => {
      const answer = await handle({
        action: 'auth',
        auth: { email: 'admin@example.com', password: 'verysecret' },
      });
      expect(answer.status).toBe(202);
      expect(answer.body).toMatchObject({
        error: false,
        message: 'Authenticated!',
        data: { email: 'admin@example.com' },
      });
    });

    it.each(['rabbitmq', 'http', 'rpc', 'grpc'])('log via %s: stored once', async (via) => {
      const name = uniqueName(`images_${via}`);
      const answer = await handle({ action: 'log', via, log: { name, data: `via ${via}` } });
      expect(answer.status).toBe(202);
      expect(answer.body.error).toBe(false);
      expect(await storedOnce(name)).toBe(1);
    });

    it('mail: MailHog receives the message, rendered from the templates', async () => {
      const to = `${uniqueName('images')}@example.com`;
      const answer = await handle({
        action: 'mail',
        mail: {
          from: 'me@example.com',
          to,
          subject: 'From the images',
          message: 'Hello from a container',
        },
      });
      expect(answer).toEqual({
        status: 202,
        body: { error: false, message: `Message sent to ${to}` },
      });
      const items = await eventually(
        async () => {
          const response = await fetch(
            `${urls.mailhogApiUrl}/api/v2/search?${new URLSearchParams({ kind: 'to', query: to })}`,
            { signal: AbortSignal.timeout(3000) },
          );
          const { items: found } = (await response.json()) as {
            items: { Content: { Body: string } }[];
          };
          return found.length > 0 ? found : undefined;
        },
        { what: 'the message in MailHog' },
      );
      expect(items).toHaveLength(1);
      expect(items[0]?.Content.Body).toContain('Hello from a container');
    });
  });

  describe.each([...SERVICES].reverse())('docker stop %s', (name) => {
    it(`exits 0 within ${PROMPT_STOP_MS / 1000} s`, async () => {
      requireBuilt(name);
      const started = Date.now();
      await docker(['stop', '--time', String(STOP_GRACE_S), containerName(name)], {
        timeoutMs: (STOP_GRACE_S + 10) * 1000,
      });
      const took = Date.now() - started;
      const state = await inspect<{ ExitCode: number }>(containerName(name), '.State');
      expect({ exitCode: state.ExitCode }).toEqual({ exitCode: 0 });
      expect(took).toBeLessThan(PROMPT_STOP_MS);
    });
  });
});

function requireBuilt(name: ServiceName): string {
  if (!built.has(name)) throw new Error(`the ${name} image was not built (see its build test)`);
  return service(name).image as string;
}

/** The compose file's environment for a service, pointed at the local infrastructure. */
function envArgs(name: ServiceName, database: ScratchDatabase): string[] {
  const amqpNames = {
    AMQP_URL: urls.amqpUrl,
    LOGS_EXCHANGE: NAMES.exchange,
  };
  const overrides: Record<ServiceName, Record<string, string | undefined>> = {
    'logger-service': {
      RPC_PORT: String(PORT.loggerRpc),
      GRPC_PORT: String(PORT.loggerGrpc),
      MONGO_URL: urls.mongoUrl,
      MONGO_DB: NAMES.mongoDb,
      // the local MongoDB-wire server has no users
      MONGO_USERNAME: undefined,
      MONGO_PASSWORD: undefined,
    },
    'authentication-service': {
      POSTGRES_URL: database.url,
      LOGGER_SERVICE_URL: local(PORT['logger-service']),
    },
    'mail-service': { MAIL_HOST: urls.mailHost, MAIL_PORT: String(urls.mailPort) },
    'listener-service': {
      ...amqpNames,
      LOGGER_SERVICE_URL: local(PORT['logger-service']),
      LISTENER_QUEUE: NAMES.queue,
      DEAD_LETTER_EXCHANGE: NAMES.deadLetterExchange,
      DEAD_LETTER_QUEUE: NAMES.deadLetterQueue,
    },
    'front-end': { BROKER_URL: local(PORT['broker-service']) },
    'broker-service': {
      ...amqpNames,
      AUTH_SERVICE_URL: local(PORT['authentication-service']),
      LOGGER_SERVICE_URL: local(PORT['logger-service']),
      MAIL_SERVICE_URL: local(PORT['mail-service']),
      LOGGER_RPC_ADDR: `127.0.0.1:${PORT.loggerRpc}`,
      LOGGER_GRPC_ADDR: `127.0.0.1:${PORT.loggerGrpc}`,
    },
  };
  const environment: Record<string, string | null | undefined> = {
    ...service(name).environment,
    PORT: String(PORT[name]),
    ...overrides[name],
  };
  return Object.entries(environment).flatMap(([key, value]) =>
    value === undefined ? [] : ['--env', `${key}=${value ?? ''}`],
  );
}

/** The compose file's secrets of a service, mounted read-only where compose mounts them. */
function secretArgs(name: ServiceName): string[] {
  return (service(name).secrets ?? []).flatMap(({ source, target }) => {
    const file = composeSecrets[source]?.file;
    if (!file) throw new Error(`compose secret ${source} names no file`);
    const mountedAt = target?.startsWith('/') ? target : `/run/secrets/${target ?? source}`;
    return ['--volume', `${path.resolve(REPO_ROOT, 'project', file)}:${mountedAt}:ro`];
  });
}

/** Every package the lock file installs for development only ("dev": true), by lock path. */
function devOnlyPackages(): Set<string> {
  const lock = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  return new Set(
    Object.entries(lock.packages)
      .filter(([key, entry]) => entry.dev === true && key.includes('node_modules/'))
      .map(([key]) => key),
  );
}

/**
 * Runs inside an image (node -e): lists /app's files outside node_modules, the TypeScript
 * sources among them (declaration files aside), and every installed package by its path
 * under /app, which is its key in the lock file (node_modules/@s/b, node_modules/a/node_modules/c,
 * broker-service/node_modules/d).
 */
const LIST_IMAGE_CONTENTS = `
const fs = require('fs'), path = require('path');
const files = [], packages = [];
function walk(dir, rel) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name), relative = rel ? rel + '/' + entry.name : entry.name;
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules') packagesIn(full, relative);
      else walk(full, relative);
    } else files.push(relative);
  }
}
function packagesIn(dir, rel) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const names = entry.name.startsWith('@')
      ? fs.readdirSync(path.join(dir, entry.name)).map((n) => entry.name + '/' + n)
      : [entry.name];
    for (const name of names) {
      const lockPath = rel + '/' + name;
      packages.push(lockPath);
      const nested = path.join(dir, name, 'node_modules');
      if (fs.existsSync(nested)) packagesIn(nested, lockPath + '/node_modules');
    }
  }
}
walk('/app', '');
const typescript = files.filter((f) => /\\.(ts|tsx|mts|cts)$/.test(f) && !/\\.d\\.[mc]?ts$/.test(f));
console.log(JSON.stringify({ files, typescript, packages }));
`;

async function removeContainers(): Promise<void> {
  for (const name of SERVICES) {
    await docker(['rm', '--force', '--volumes', containerName(name)]).catch(() => undefined);
  }
}

/** Deletes the exchanges and queues of these tests (the listener's retry queues too). */
function resetRabbitNames(): Promise<void> {
  const { RETRY_DELAYS_MS } = parseConfig(listenerConfigSchema, {});
  return deleteRabbitNames({
    queues: [
      NAMES.queue,
      NAMES.deadLetterQueue,
      ...RETRY_DELAYS_MS.map((ms) => retryQueueName(NAMES.queue, ms)),
    ],
    exchanges: [NAMES.exchange, NAMES.deadLetterExchange],
  });
}

function dropMongoDatabase(): Promise<void> {
  return withMongo(async (client) => {
    await client.db(NAMES.mongoDb).dropDatabase();
  });
}
