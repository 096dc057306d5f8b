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
import { TRACING_ENV_KEYS, tracingSettings } from '@ms/service-kit/tracing';
import { configSchema as authConfig } from '../../authentication-service/src/config';
import { configSchema as brokerConfig } from '../../broker-service/src/config';
import { configSchema as listenerConfig } from '../../listener-service/src/config';
import { createListenerMetrics } from '../../listener-service/src/metrics';
import { configSchema as loggerConfig } from '../../logger-service/src/config';
import { configSchema as mailConfig } from '../../mail-service/src/config';
import { configKeys } from './support/config-keys';

interface ComposeService {
  build?: { context: string; dockerfile: string };
  image?: string;
  profiles?: string[];
  volumes?: string[];
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
/** The profile `observability` (make up-observability) and the host ports README names. */
const observabilityServices: Record<string, string[]> = {
  jaeger: ['16686:16686', '4317:4317', '4318:4318'],
  prometheus: ['9090:9090'],
  grafana: ['3000:3000'],
};

/** What `make up-observability` sets; the services' compose environment interpolates it. */
const makefile = readFileSync(path.join(repoRoot, 'Makefile'), 'utf8');
const profileEndpoint =
  /^up-observability:.*\n\tOTEL_EXPORTER_OTLP_ENDPOINT=(\S+) \$\(COMPOSE\) --profile observability up/m.exec(
    makefile,
  )?.[1];

/** Compose's ${NAME:-default} interpolation, with `vars` set (as the shell would). */
function interpolate(value: string, vars: Record<string, string> = {}): string {
  return value.replace(
    /\$\{(\w+)(?::-([^}]*))?\}/g,
    (_, name: string, fallback = '') => vars[name] ?? fallback,
  );
}

describe('docker-compose.yml', () => {
  it('has exactly the services of the design, and the observability profile besides', () => {
    const plain = Object.keys(compose.services).filter((name) => !compose.services[name]?.profiles);
    expect(plain.sort()).toEqual(
      [...Object.keys(appServices), ...Object.keys(infraServices)].sort(),
    );
    const profiled = Object.keys(compose.services).filter(
      (name) => compose.services[name]?.profiles,
    );
    expect(profiled.sort()).toEqual(Object.keys(observabilityServices).sort());
  });

  describe.each(Object.entries(appServices))('%s', (name, { schema, ports }) => {
    const service = compose.services[name] as ComposeService;
    const environment = Object.fromEntries(
      Object.entries(service.environment ?? {}).map(([key, value]) => [
        key,
        interpolate(String(value)),
      ]),
    );
    const tracingKeys = new Set<string>(TRACING_ENV_KEYS);

    it('builds from the repository root with a Dockerfile that exists', () => {
      const context = path.resolve(projectDir, service.build?.context ?? '');
      expect(existsSync(path.join(context, 'package-lock.json'))).toBe(true);
      expect(service.build?.dockerfile).toBe(`${name}/Dockerfile`);
      expect(existsSync(path.join(context, service.build?.dockerfile ?? ''))).toBe(true);
    });

    it('sets only variables its config reads, each with a valid value', () => {
      // every variable has a default, so "all required ones are set" could never fail; a
      // misspelt or stale name (read by nothing, silently ignored) and a bad value can
      expect(
        Object.keys(environment).filter(
          (key) => !configKeys(schema).has(key) && !tracingKeys.has(key),
        ),
      ).toEqual([]);
      expect(() => parseConfig(schema, environment)).not.toThrow();
      expect(environment.PORT).toBe('80');
    });

    it('exports traces only with the observability profile, to Jaeger', () => {
      // plain `make up`: the endpoint is empty, so no exporter and nothing dialled
      expect(tracingSettings(name, environment)).toMatchObject({
        enabled: true,
        endpoint: undefined,
      });
      // `make up-observability`: OTLP http/protobuf to the jaeger container's 4318
      expect(profileEndpoint).toBe('http://jaeger:4318');
      const raw = Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([key, value]) => [key, String(value)]),
      );
      const profiled = Object.fromEntries(
        Object.entries(raw).map(([key, value]) => [
          key,
          interpolate(value, { OTEL_EXPORTER_OTLP_ENDPOINT: profileEndpoint ?? '' }),
        ]),
      );
      expect(tracingSettings(name, profiled)).toMatchObject({
        enabled: true,
        serviceName: name,
        endpoint: 'http://jaeger:4318',
      });
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

  describe('profile observability', () => {
    it.each(Object.entries(observabilityServices))(
      '%s: only in the profile, a pinned image, the README ports',
      (name, ports) => {
        const service = compose.services[name] as ComposeService;
        expect(service.profiles).toEqual(['observability']);
        expect(service.image).toMatch(/:v?\d+\.\d+\.\d+$/);
        expect(service.ports).toEqual(ports);
        expect(service.restart).toBe('unless-stopped');
        for (const volume of service.volumes ?? []) {
          expect(existsSync(path.resolve(projectDir, volume.split(':')[0] ?? ''))).toBe(true);
        }
      },
    );

    it("Prometheus scrapes every service's /metrics on the compose network", () => {
      const config = parse(
        readFileSync(path.join(projectDir, 'observability/prometheus.yml'), 'utf8'),
      ) as {
        scrape_configs: { metrics_path?: string; static_configs: { targets: string[] }[] }[];
      };
      const targets = config.scrape_configs.flatMap((job) => {
        expect(job.metrics_path ?? '/metrics').toBe('/metrics');
        return job.static_configs.flatMap((c) => c.targets);
      });
      expect(targets.sort()).toEqual(
        Object.keys(appServices)
          .map((name) => `${name}:80`)
          .sort(),
      );
    });

    it('Grafana has Prometheus and Jaeger as data sources, at their containers', () => {
      const { datasources } = parse(
        readFileSync(
          path.join(projectDir, 'observability/grafana/provisioning/datasources/datasources.yml'),
          'utf8',
        ),
      ) as { datasources: { type: string; uid: string; url: string }[] };
      expect(datasources).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            type: 'prometheus',
            uid: 'prometheus',
            url: 'http://prometheus:9090',
          }),
          expect.objectContaining({ type: 'jaeger', uid: 'jaeger', url: 'http://jaeger:16686' }),
        ]),
      );
    });

    it('the dashboard queries only metrics the services export', async () => {
      const dashboard = JSON.parse(
        readFileSync(
          path.join(projectDir, 'observability/grafana/dashboards/ts-microservices.json'),
          'utf8',
        ),
      ) as { panels: { title: string; targets?: { expr: string }[] }[] };
      const queried = new Set(
        dashboard.panels
          .flatMap((panel) => panel.targets ?? [])
          .flatMap((target) => target.expr.match(/\b[a-z_]+(?=\{|\[| *\))/g) ?? [])
          .filter((name) => /_(total|seconds_bucket|messages|state)$/.test(name)),
      );
      // the kit's HTTP metrics and the listener's (one registry has both)
      const exported = new Set(
        (await createListenerMetrics().registry.getMetricsAsJSON()).flatMap((metric) =>
          String(metric.type) === 'histogram' ? [`${metric.name}_bucket`] : [metric.name],
        ),
      );
      // the broker's breaker gauge (0 closed, 1 half-open, 2 open) is the breakers' work
      exported.add('broker_breaker_state');
      expect([...queried].filter((name) => !exported.has(name))).toEqual([]);
      for (const metric of [
        'http_requests_total',
        'http_request_duration_seconds_bucket',
        'listener_queue_messages',
        'listener_messages_retried_total',
        'listener_messages_dead_lettered_total',
        'listener_event_lag_seconds_bucket',
        'broker_breaker_state',
      ]) {
        expect(queried).toContain(metric);
      }
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
