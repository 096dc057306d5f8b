// Keeps project/k8s honest without a cluster: every overlay renders with `kubectl kustomize`,
// every rendered object validates against the Kubernetes API schemas of kubernetes-models
// (Kubernetes 1.33), every service container follows the policy (probes on the kit's paths,
// limits, non-root, read-only root, pinned images, a drain that fits the grace period), every
// service's environment parses with its real config schema, ports agree with DESIGN.md, and
// each NetworkPolicy lets in exactly the callers it claims. What this cannot prove (that the
// images pull, start and talk to each other in a cluster) is said in the README.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { type z } from 'zod';
import { parseConfig } from '@ms/service-kit';
import { configSchema as authConfig } from '../../authentication-service/src/config';
import { configSchema as brokerConfig } from '../../broker-service/src/config';
import { configSchema as frontEndConfig } from '../../front-end/src/config';
import { configSchema as listenerConfig } from '../../listener-service/src/config';
import { configSchema as loggerConfig } from '../../logger-service/src/config';
import { configSchema as mailConfig } from '../../mail-service/src/config';
import { configKeys } from './support/config-keys';

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered YAML is untyped by nature */
type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: any;
};

const projectDir = path.resolve(__dirname, '..');
const repoRoot = path.resolve(projectDir, '..');
const k8sDir = path.join(projectDir, 'k8s');
const NAMESPACE = 'ts-microservices';

const services: Record<string, z.ZodTypeAny> = {
  'broker-service': brokerConfig,
  'authentication-service': authConfig,
  'logger-service': loggerConfig,
  'mail-service': mailConfig,
  'listener-service': listenerConfig,
  'front-end': frontEndConfig,
};
const infrastructure = ['postgres', 'mongo', 'rabbitmq', 'mailhog'];

function kustomize(overlay: string): K8sObject[] {
  let text: string;
  try {
    text = execFileSync('kubectl', ['kustomize', path.join(k8sDir, 'overlays', overlay)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        'kubectl is not installed: the Kubernetes tests render the overlays with `kubectl kustomize`. ' +
          'Install kubectl (it bundles kustomize): Debian `apt-get install kubectl` from the Kubernetes apt ' +
          'repository, or see https://kubernetes.io/docs/tasks/tools/',
        { cause: err },
      );
    }
    throw new Error(
      `kubectl kustomize ${overlay} failed: ${(err as { stderr?: string }).stderr ?? err}`,
      { cause: err },
    );
  }
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as K8sObject)
    .filter(Boolean);
}

const rendered: Record<string, K8sObject[]> = { dev: kustomize('dev'), prod: kustomize('prod') };

const ofKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const find = (objects: K8sObject[], kind: string, name: string): K8sObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const workloads = (objects: K8sObject[]) =>
  objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');

/** matchLabels and matchExpressions, as the API server applies them. */
function selects(selector: any, labels: Record<string, string> = {}): boolean {
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const { key, operator, values = [] } of selector?.matchExpressions ?? []) {
    const has = key in labels;
    if (operator === 'In' && !(has && values.includes(labels[key]))) return false;
    if (operator === 'NotIn' && has && values.includes(labels[key])) return false;
    if (operator === 'Exists' && !has) return false;
    if (operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
const podLabels = (workload: K8sObject) => workload.spec.template.metadata.labels;
const selectedWorkloads = (objects: K8sObject[], selector: any) =>
  workloads(objects)
    .filter((w) => selects(selector, podLabels(w)))
    .map((w) => w.metadata.name)
    .sort();

/** The model class of kubernetes-models for an apiVersion and kind (it validates with ajv). */
function modelOf(object: K8sObject): { validate(): void } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the path depends on the object
  const module = require(`kubernetes-models/${object.apiVersion}/${object.kind}`) as Record<
    string,
    new (data: unknown) => { validate(): void }
  >;
  const Model = module[object.kind];
  if (!Model) throw new Error(`kubernetes-models has no ${object.apiVersion} ${object.kind}`);
  return new Model(object);
}

/** The variables a Deployment's container gets: its env, then its ConfigMaps and Secrets. */
function environmentOf(overlay: string, deployment: K8sObject): Record<string, string> {
  const objects = rendered[overlay] as K8sObject[];
  const container = deployment.spec.template.spec.containers[0];
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      Object.assign(env, find(objects, 'ConfigMap', source.configMapRef.name).data);
    } else if (source.secretRef) {
      Object.assign(env, secretData(overlay, source.secretRef.name));
    }
  }
  for (const { name, value } of container.env ?? []) env[name] = value;
  return env;
}

/** dev generates its Secrets; prod's are made by the operator with the keys of secrets.example/. */
function secretData(overlay: string, name: string): Record<string, string> {
  const objects = rendered[overlay] as K8sObject[];
  const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === name);
  if (secret) {
    return Object.fromEntries(
      Object.entries(secret.data ?? {}).map(([k, v]) => [
        k,
        Buffer.from(String(v), 'base64').toString(),
      ]),
    );
  }
  const example = path.join(
    k8sDir,
    'overlays',
    overlay,
    'secrets.example',
    `${name.replace(/-secrets$/, '')}.env`,
  );
  if (!existsSync(example)) throw new Error(`Secret ${name} is neither rendered nor in ${example}`);
  return Object.fromEntries(
    readFileSync(example, 'utf8')
      .split('\n')
      .filter((line) => line.includes('=') && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/** "inside a container" ports of DESIGN.md's port table, by row. */
function designPorts(): Record<string, number[]> {
  const design = readFileSync(path.join(repoRoot, 'DESIGN.md'), 'utf8');
  const table = design.slice(design.indexOf('## Ports'), design.indexOf('## Response envelope'));
  const rows: Record<string, number[]> = {};
  for (const line of table.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length < 4 || !/\d/.test(cells[2] ?? '')) continue;
    rows[cells[1] as string] = (cells[2]?.match(/\d+/g) ?? []).map(Number);
  }
  return rows;
}

describe.each(['dev', 'prod'])('project/k8s overlay %s', (overlay) => {
  const objects = rendered[overlay] as K8sObject[];
  const deployments = ofKind(objects, 'Deployment');

  it('renders the six services, their Services, HPAs, PDBs, NetworkPolicies and the Ingress', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(Object.keys(services).sort());
    for (const name of Object.keys(services)) expect(find(objects, 'Service', name)).toBeDefined();
    expect(
      ofKind(objects, 'HorizontalPodAutoscaler')
        .map((h) => h.spec.scaleTargetRef.name)
        .sort(),
    ).toEqual(['broker-service', 'listener-service', 'logger-service']);
    expect(ofKind(objects, 'PodDisruptionBudget')).toHaveLength(6);
    expect(find(objects, 'Ingress', 'ts-microservices')).toBeDefined();
    for (const object of objects) {
      if (object.kind !== 'Namespace')
        expect(`${object.kind}/${object.metadata.name}:${object.metadata.namespace}`).toBe(
          `${object.kind}/${object.metadata.name}:${NAMESPACE}`,
        );
    }
  });

  /** kustomize wraps a Secret's base64 past 70 characters (the API server reads it so); the schema wants one line. */
  function withUnwrappedSecretData(object: K8sObject): K8sObject {
    if (object.kind !== 'Secret' || !object.data) return object;
    const data = Object.fromEntries(
      Object.entries(object.data).map(([key, value]) => [key, String(value).replace(/\s+/g, '')]),
    );
    return { ...object, data };
  }

  it('validates every object against the Kubernetes 1.33 API schemas (kubernetes-models)', () => {
    expect(objects.length).toBeGreaterThan(30);
    const problems: string[] = [];
    for (const object of objects) {
      try {
        modelOf(withUnwrappedSecretData(object)).validate();
      } catch (err) {
        problems.push(`${object.kind}/${object.metadata.name}: ${(err as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the schema check is real: a broken object is refused', () => {
    const deployment = structuredClone(find(objects, 'Deployment', 'broker-service'));
    deployment.spec.replicas = 'two';
    delete deployment.spec.template.spec.containers[0].livenessProbe.httpGet.port;
    expect(() => modelOf(deployment).validate()).toThrow(/replicas must be integer/);
  });

  describe.each(Object.keys(services))('%s', (name) => {
    const deployment = deployments.find((d) => d.metadata.name === name) as K8sObject;
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    const portNames = new Set((container.ports ?? []).map((p: { name: string }) => p.name));

    it('probes the kit paths: startup and liveness on /healthz, readiness on /readyz', () => {
      expect(pod.containers).toHaveLength(1);
      expect(container.startupProbe.httpGet.path).toBe('/healthz');
      expect(container.livenessProbe.httpGet.path).toBe('/healthz');
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      for (const probe of [
        container.startupProbe,
        container.livenessProbe,
        container.readinessProbe,
      ]) {
        expect(portNames.has(probe.httpGet.port) || probe.httpGet.port === 80).toBe(true);
      }
      // the startup probe covers the service's wait for its dependencies (minutes, not seconds)
      expect(
        container.startupProbe.periodSeconds * container.startupProbe.failureThreshold,
      ).toBeGreaterThanOrEqual(120);
    });

    it('sets requests and limits for CPU and memory', () => {
      for (const kind of ['requests', 'limits']) {
        expect(container.resources[kind].cpu).toBeDefined();
        expect(container.resources[kind].memory).toMatch(/^\d+(Mi|Gi)$/);
      }
    });

    it('runs as uid 1000, non-root, read-only root, no privilege escalation, no capabilities', () => {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(container.securityContext.capabilities.add).toBeUndefined();
      expect(container.securityContext.privileged).not.toBe(true);
      // port 80 without root: the namespaced sysctl, not a capability
      expect(pod.securityContext.sysctls).toContainEqual({
        name: 'net.ipv4.ip_unprivileged_port_start',
        value: '0',
      });
      // a writable /tmp for Node and its libraries
      const tmp = container.volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/tmp');
      expect(
        pod.volumes.find((v: { name: string }) => v.name === tmp?.name)?.emptyDir,
      ).toBeDefined();
      expect(pod.automountServiceAccountToken).toBe(false);
    });

    it('uses a pinned image tag set through kustomize images, never :latest', () => {
      expect(container.image).toMatch(new RegExp(`(^|/)ts-microservices/${name}:[\\w][\\w.-]*$`));
      expect(container.image).not.toMatch(/:latest$/);
      if (overlay === 'prod') expect(container.image).toMatch(/:\d+\.\d+\.\d+$/);
    });

    it('waits out the endpoint removal and the drain inside the grace period', () => {
      const env = environmentOf(overlay, deployment);
      const drainSeconds = Number(env.SHUTDOWN_TIMEOUT_MS ?? 10_000) / 1000;
      const sleep = container.lifecycle.preStop.exec.command;
      expect(sleep[0]).toBe('sleep');
      const pauseSeconds = Number(sleep[1]);
      expect(pauseSeconds).toBeGreaterThanOrEqual(2);
      expect(pauseSeconds).toBeLessThanOrEqual(10);
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(pauseSeconds + drainSeconds);
    });

    it('gives the service every variable it needs, each known to its config schema and valid', () => {
      const env = environmentOf(overlay, deployment);
      const schema = services[name] as z.ZodTypeAny;
      const known = configKeys(schema);
      expect(Object.keys(env).filter((key) => !known.has(key))).toEqual([]);
      const config = parseConfig(schema, env) as Record<string, unknown>;
      // nothing falls back to a localhost default of `make dev`
      const addresses = Object.entries(config).filter(([key]) => /(_URL|_ADDR|_HOST)$/.test(key));
      expect(addresses.length).toBeGreaterThan(0);
      for (const [key, value] of addresses) {
        expect(`${key}=${String(value)}`).not.toMatch(/localhost:|127\.0\.0\.1/);
      }
      expect(config.PORT).toBe(80);
    });

    it('names in-cluster services that exist, on ports they expose', () => {
      const env = environmentOf(overlay, deployment);
      for (const [key, value] of Object.entries(env)) {
        if (!/_SERVICE_URL$|^LOGGER_(RPC|GRPC)_ADDR$/.test(key)) continue;
        const { hostname, port } = new URL(value.includes('://') ? value : `tcp://${value}`);
        const service = find(objects, 'Service', hostname);
        const ports = service.spec.ports.map((p: { port: number }) => p.port);
        expect(ports).toContain(Number(port || 80));
      }
    });
  });

  it('has the ports of DESIGN.md inside the containers and on the Services', () => {
    const design = designPorts();
    const rows: Record<string, string> = {
      'broker-service': 'broker-service',
      'authentication-service': 'authentication-service',
      'logger-service': 'logger-service HTTP / JSON-RPC / gRPC',
      'mail-service': 'mail-service',
      'listener-service': 'listener-service health/metrics',
    };
    for (const [name, row] of Object.entries(rows)) {
      const expected = design[row];
      expect(expected?.length).toBeGreaterThan(0);
      const deployment = find(objects, 'Deployment', name);
      const containerPorts = deployment.spec.template.spec.containers[0].ports.map(
        (p: { containerPort: number }) => p.containerPort,
      );
      expect(containerPorts).toEqual(expected);
      expect(
        find(objects, 'Service', name).spec.ports.map((p: { port: number }) => p.port),
      ).toEqual(expected);
      const env = environmentOf(overlay, deployment);
      const portVars = [env.PORT, env.RPC_PORT, env.GRPC_PORT].filter(Boolean).map(Number);
      expect(portVars).toEqual(expected);
    }
    if (overlay === 'dev') {
      const infraRows: Record<string, number[]> = {
        postgres: [(design['Postgres / MongoDB / RabbitMQ'] ?? [])[0] as number],
        mongo: [(design['Postgres / MongoDB / RabbitMQ'] ?? [])[1] as number],
        rabbitmq: (design['Postgres / MongoDB / RabbitMQ'] ?? []).slice(2),
        mailhog: design['MailHog SMTP / UI+API'] ?? [],
      };
      for (const [name, expected] of Object.entries(infraRows)) {
        const set = find(objects, 'StatefulSet', name);
        expect(
          set.spec.template.spec.containers[0].ports.map(
            (p: { containerPort: number }) => p.containerPort,
          ),
        ).toEqual(expected);
      }
    }
  });

  it('points every Service, PDB and HPA at exactly one workload, and Ingress backends at Services', () => {
    for (const service of ofKind(objects, 'Service')) {
      const [target, ...others] = selectedWorkloads(objects, {
        matchLabels: service.spec.selector,
      });
      expect([service.metadata.name, target, ...others]).toEqual([
        service.metadata.name,
        service.metadata.name,
      ]);
      const workload = workloads(objects).find((w) => w.metadata.name === target) as K8sObject;
      const named = workload.spec.template.spec.containers.flatMap((c: any) =>
        c.ports.map((p: any) => p.name),
      );
      for (const port of service.spec.ports) expect(named).toContain(port.targetPort);
    }
    for (const pdb of ofKind(objects, 'PodDisruptionBudget')) {
      expect(selectedWorkloads(objects, pdb.spec.selector)).toEqual([pdb.metadata.name]);
      expect(pdb.spec.maxUnavailable).toBe(1);
    }
    for (const hpa of ofKind(objects, 'HorizontalPodAutoscaler')) {
      expect(
        find(objects, hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name),
      ).toBeDefined();
      expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    }
    for (const ingress of ofKind(objects, 'Ingress')) {
      for (const rule of ingress.spec.rules) {
        for (const { backend } of rule.http.paths) {
          const service = find(objects, 'Service', backend.service.name);
          expect(service.spec.ports.map((p: { name: string }) => p.name)).toContain(
            backend.service.port.name,
          );
        }
      }
    }
  });

  it('lets the page call the broker: BROKER_URL is the broker host of the Ingress, CORS allows the page host', () => {
    const ingress = find(objects, 'Ingress', 'ts-microservices');
    const hostOf = (service: string) =>
      ingress.spec.rules.find((r: any) => r.http.paths[0].backend.service.name === service).host;
    const page = environmentOf(overlay, find(objects, 'Deployment', 'front-end'));
    const broker = environmentOf(overlay, find(objects, 'Deployment', 'broker-service'));
    expect(new URL(page.BROKER_URL as string).host).toBe(hostOf('broker-service'));
    const origins = (broker.CORS_ORIGINS as string).split(',').map((o) => new URL(o).host);
    expect(origins).toContain(hostOf('front-end'));
  });

  it('runs more replicas in prod than in dev', () => {
    const count = (o: K8sObject[], n: string) => find(o, 'Deployment', n).spec.replicas as number;
    for (const name of Object.keys(services)) {
      expect(count(rendered.prod as K8sObject[], name)).toBeGreaterThan(
        count(rendered.dev as K8sObject[], name),
      );
    }
  });

  describe('NetworkPolicies', () => {
    const policies = ofKind(objects, 'NetworkPolicy');

    /** Who may connect to a workload: 'anywhere', or the workloads the policies admit. */
    function callersOf(workload: string): { anywhere: boolean; from: string[] } {
      const target = workloads(objects).find((w) => w.metadata.name === workload) as K8sObject;
      let anywhere = false;
      const from = new Set<string>();
      for (const policy of policies) {
        if (!selects(policy.spec.podSelector, podLabels(target))) continue;
        for (const rule of policy.spec.ingress ?? []) {
          if (!rule.from) anywhere = true;
          for (const peer of rule.from ?? []) {
            expect(peer.namespaceSelector).toBeUndefined();
            expect(peer.ipBlock).toBeUndefined();
            for (const name of selectedWorkloads(objects, peer.podSelector)) from.add(name);
          }
        }
      }
      return { anywhere, from: [...from].sort() };
    }

    it('closes every pod by default', () => {
      const deny = find(objects, 'NetworkPolicy', 'default-deny-ingress');
      expect(deny.spec.podSelector).toEqual({});
      expect(deny.spec.policyTypes).toEqual(['Ingress']);
      expect(deny.spec.ingress).toBeUndefined();
    });

    it('opens each service to exactly the callers of the design', () => {
      const onlyFrom: Record<string, string[]> = {
        'authentication-service': ['broker-service'],
        'mail-service': ['broker-service'],
        'logger-service': ['authentication-service', 'broker-service', 'listener-service'],
        'listener-service': [],
        ...(overlay === 'dev' && {
          postgres: ['authentication-service'],
          mongo: ['logger-service'],
          rabbitmq: ['broker-service', 'listener-service'],
        }),
      };
      for (const [target, from] of Object.entries(onlyFrom)) {
        expect({ target, ...callersOf(target) }).toEqual({ target, anywhere: false, from });
      }
      expect(callersOf('broker-service').anywhere).toBe(true);
      expect(callersOf('front-end').anywhere).toBe(true);
      if (overlay === 'dev') {
        // SMTP from the mail-service only; the UI port (for the Ingress) from anywhere
        expect(callersOf('mailhog').from).toEqual(['mail-service']);
      }
    });

    it('selects what each policy name claims and opens only ports the pods have', () => {
      for (const policy of policies) {
        if (policy.metadata.name === 'default-deny-ingress') continue;
        const target = policy.metadata.name.split('-from-')[0];
        expect(selectedWorkloads(objects, policy.spec.podSelector)).toEqual([target]);
        const workload = workloads(objects).find((w) => w.metadata.name === target) as K8sObject;
        const portNames = workload.spec.template.spec.containers[0].ports.map(
          (p: { name: string }) => p.name,
        );
        for (const rule of policy.spec.ingress) {
          for (const { port } of rule.ports) expect(portNames).toContain(port);
        }
      }
    });
  });

  if (overlay === 'dev') {
    it('runs Postgres, MongoDB, RabbitMQ and MailHog as StatefulSets with volumes and pinned images', () => {
      const sets = ofKind(objects, 'StatefulSet');
      expect(sets.map((s) => s.metadata.name).sort()).toEqual([...infrastructure].sort());
      for (const set of sets) {
        const container = set.spec.template.spec.containers[0];
        expect(container.image).toMatch(/:[\w][\w.-]*$/);
        expect(container.image).not.toMatch(/:latest$/);
        expect(container.readinessProbe).toBeDefined();
        expect(container.livenessProbe).toBeDefined();
        expect(container.resources.limits.memory).toBeDefined();
        expect(container.securityContext.allowPrivilegeEscalation).toBe(false);
        expect(set.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
        expect(set.spec.volumeClaimTemplates).toHaveLength(1);
        const mounted = container.volumeMounts.map((m: { name: string }) => m.name);
        expect(mounted).toContain(set.spec.volumeClaimTemplates[0].metadata.name);
        expect(find(objects, 'Service', set.spec.serviceName)).toBeDefined();
      }
    });

    it('uses the image versions of the compose file for the infrastructure', () => {
      const compose = readFileSync(path.join(projectDir, 'docker-compose.yml'), 'utf8');
      for (const set of ofKind(objects, 'StatefulSet')) {
        expect(compose).toContain(`image: ${set.spec.template.spec.containers[0].image}`);
      }
    });
  } else {
    it('keeps the infrastructure outside: no StatefulSet, no Secret values in the repository', () => {
      expect(ofKind(objects, 'StatefulSet')).toEqual([]);
      expect(ofKind(objects, 'Secret')).toEqual([]);
      // every secretRef names a Secret whose keys secrets.example/ documents
      for (const deployment of deployments) {
        for (const source of deployment.spec.template.spec.containers[0].envFrom ?? []) {
          if (source.secretRef)
            expect(Object.keys(secretData(overlay, source.secretRef.name)).length).toBeGreaterThan(
              0,
            );
        }
      }
      expect(find(objects, 'Ingress', 'ts-microservices').spec.tls).toHaveLength(1);
    });
  }
});
