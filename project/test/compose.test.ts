// Keeps project/docker-compose.yml honest without a Docker engine: every service's
// compose environment names only variables its config reads and satisfies its schema,
// addresses point at other containers (not at localhost), build paths exist, host ports
// match the design's port table, and every image runs the Node of .nvmrc. That the images
// build, start and work is proved by `make test-images` (images.docker.test.ts).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { type z } from 'zod';
import { parseConfig } from '@ms/service-kit';
import { configSchema as authConfig } from '../../authentication-service/src/config';
import { configSchema as brokerConfig } from '../../broker-service/src/config';
import { configSchema as listenerConfig } from '../../listener-service/src/config';
import { configSchema as loggerConfig } from '../../logger-service/src/config';
import { configSchema as mailConfig } from '../../mail-service/src/config';
import { configKeys } from './support/config-keys';

interface ComposeService {
  build?: { context: string; dockerfile: string };
  image?: string;
  ports?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
  healthcheck?: { test: unknown };
}

const projectDir = path.resolve(__dirname, '..');
const repoRoot = path.resolve(projectDir, '..');
const compose = parse(readFileSync(path.join(projectDir, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};

/** Host ports from DESIGN.md's port table. */
const appServices: Record<string, { schema: z.ZodTypeAny; ports: string[] }> = {
  'broker-service': { schema: brokerConfig, ports: ['8080:80'] },
  'authentication-service': { schema: authConfig, ports: ['8081:80'] },
  'logger-service': { schema: loggerConfig, ports: ['8082:80', '5001:5001', '50001:50001'] },
  'mail-service': { schema: mailConfig, ports: [] },
  'listener-service': { schema: listenerConfig, ports: ['8084:80'] },
};
const infraServices: Record<string, string[]> = {
  postgres: ['5432:5432'],
  mongo: ['27017:27017'],
  rabbitmq: ['5672:5672', '15672:15672'],
  mailhog: ['1025:1025', '8025:8025'],
};

describe('docker-compose.yml', () => {
  it('has exactly the services of the design', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [...Object.keys(appServices), ...Object.keys(infraServices)].sort(),
    );
  });

  describe.each(Object.entries(appServices))('%s', (name, { schema, ports }) => {
    const service = compose.services[name] as ComposeService;
    const environment = Object.fromEntries(
      Object.entries(service.environment ?? {}).map(([key, value]) => [key, String(value)]),
    );

    it('builds from the repository root with a Dockerfile that exists', () => {
      const context = path.resolve(projectDir, service.build?.context ?? '');
      expect(existsSync(path.join(context, 'package-lock.json'))).toBe(true);
      expect(service.build?.dockerfile).toBe(`${name}/Dockerfile`);
      expect(existsSync(path.join(context, service.build?.dockerfile ?? ''))).toBe(true);
    });

    it('sets only variables its config reads, each with a valid value', () => {
      // every variable has a default, so "all required ones are set" could never fail; a
      // misspelt or stale name (read by nothing, silently ignored) and a bad value can
      expect(Object.keys(environment).filter((key) => !configKeys(schema).has(key))).toEqual([]);
      expect(() => parseConfig(schema, environment)).not.toThrow();
      expect(environment.PORT).toBe('80');
    });

    it('points every address at another container, never at localhost', () => {
      const config = parseConfig(schema, environment) as Record<string, unknown>;
      const addresses = Object.entries(config).filter(([key]) => /(_URL|_ADDR|_HOST)$/.test(key));
      expect(addresses.length).toBeGreaterThan(0);
      for (const [key, value] of addresses) {
        expect(`${key}=${String(value)}`).not.toMatch(/localhost|127\.0\.0\.1/);
      }
    });

    it('publishes the host ports of the design', () => {
      expect(service.ports ?? []).toEqual(ports);
    });

    it('restarts unless stopped and waits for healthy dependencies', () => {
      expect(service.restart).toBe('unless-stopped');
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(compose.services[dependency]).toBeDefined();
        expect(condition).toBe('service_healthy');
      }
    });
  });

  describe.each(Object.entries(infraServices))('%s', (name, ports) => {
    const service = compose.services[name] as ComposeService;

    it('uses a pinned image tag, a healthcheck and the design ports', () => {
      expect(service.image).toMatch(/:[0-9v][\w.-]*$/);
      expect(service.image).not.toMatch(/:latest$/);
      expect(service.healthcheck?.test).toBeDefined();
      expect(service.ports).toEqual(ports);
      expect(service.restart).toBe('unless-stopped');
    });
  });

  it('keeps data in named volumes', () => {
    for (const name of ['postgres', 'mongo', 'rabbitmq']) {
      const volumes = (compose.services[name] as { volumes?: string[] }).volumes ?? [];
      expect(volumes).toHaveLength(1);
      expect(Object.keys(compose.volumes)).toContain((volumes[0] as string).split(':')[0]);
    }
  });

  describe('every Dockerfile in the repository', () => {
    const nodeVersion = readFileSync(path.join(repoRoot, '.nvmrc'), 'utf8').trim();
    const dockerfiles = findDockerfiles(repoRoot);

    it('covers at least the services of the compose file', () => {
      for (const name of Object.keys(appServices)) {
        expect(dockerfiles).toContain(`${name}/Dockerfile`);
      }
    });

    it.each(dockerfiles)('%s starts from the Node of .nvmrc, pinned by version', (file) => {
      const text = readFileSync(path.join(repoRoot, file), 'utf8');
      const stages = new Set<string>();
      const bases: string[] = [];
      for (const [, image = '', stage] of text.matchAll(
        /^FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/gim,
      )) {
        if (!stages.has(image)) bases.push(image); // FROM <earlier stage> is not a base image
        if (stage) stages.add(stage);
      }
      expect(bases.length).toBeGreaterThan(0);
      for (const image of bases) expect(image).toBe(`node:${nodeVersion}-bookworm-slim`);
    });
  });
});

/** Paths (relative to the root) of every Dockerfile outside dependencies and build output. */
function findDockerfiles(root: string, dir = ''): string[] {
  const skip = new Set(['node_modules', '.git', 'dist', '.state', 'test-artifacts']);
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return skip.has(entry.name) ? [] : findDockerfiles(root, relative);
    return /^Dockerfile|\.Dockerfile$/.test(entry.name) ? [relative] : [];
  });
}
