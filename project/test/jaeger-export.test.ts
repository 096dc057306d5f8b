// The services' OTLP export against a real receiver: Jaeger v2, built from the Go module
// by `make jaeger` (project/infra/jaeger.sh) into the binary cache, run here on free ports
// with the dev config (project/infra/jaeger/config.yaml). A logger process exports to it;
// the trace is read back through Jaeger's query API. Skipped, saying so, when no Jaeger
// binary has been built (the build takes about 20 minutes, so the test never starts one).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import {
  ManagedProcess,
  ServiceProcess,
  REPO_ROOT,
  eventually,
  freePort,
  loggerEnv,
  requireMongo,
  uniqueName,
  withMongo,
} from '@ms/testing';
import { CALLER_SPAN_ID, postTraced, randomTraceId } from './support/traced-post';

jest.setTimeout(120_000);

const version = /^JAEGER_VERSION="([^"]+)"/m.exec(
  readFileSync(path.join(REPO_ROOT, 'project/infra/lib.sh'), 'utf8'),
)?.[1];
const binary = path.join(
  process.env.TS_MS_CACHE ?? path.join(homedir(), '.cache/ts-microservices'),
  'bin',
  `jaeger-${version}`,
);
const built = existsSync(binary);
if (!built) {
  // why the test is skipped, in the run's output
  console.warn(`jaeger-export.test.ts skipped: no Jaeger at ${binary} (make jaeger builds it)`);
}

interface JaegerTrace {
  spans: {
    traceID: string;
    spanID: string;
    operationName: string;
    processID: string;
    references: { refType: string; spanID: string }[];
  }[];
  processes: Record<string, { serviceName: string }>;
}

(built ? describe : describe.skip)('export to Jaeger', () => {
  const database = uniqueName('jaeger_export');
  const ports = { ui: 0, otlpHttp: 0 };
  let jaeger: ManagedProcess;
  let logger: ServiceProcess | undefined;

  beforeAll(async () => {
    await requireMongo();
    const [ui, queryGrpc, otlpGrpc, otlpHttp, health] = await Promise.all(
      [0, 0, 0, 0, 0].map(() => freePort()),
    );
    Object.assign(ports, { ui, otlpHttp });
    // `env` sets Jaeger's ports (the config reads them) and execs it, keeping its pid
    jaeger = new ManagedProcess(
      'jaeger',
      'env',
      [
        `JAEGER_UI_PORT=${ui}`,
        `JAEGER_QUERY_GRPC_PORT=${queryGrpc}`,
        `JAEGER_OTLP_GRPC_PORT=${otlpGrpc}`,
        `JAEGER_OTLP_HTTP_PORT=${otlpHttp}`,
        `JAEGER_HEALTH_PORT=${health}`,
        'OTEL_TRACES_EXPORTER=none',
        binary,
        '--config',
        `file:${path.join(REPO_ROOT, 'project/infra/jaeger/config.yaml')}`,
      ],
      otlpHttp!,
    );
    await jaeger.start(30_000);
  });

  afterAll(async () => {
    await logger?.stop();
    await jaeger?.stop();
    await withMongo((client) => client.db(database).dropDatabase()).catch(() => undefined);
  });

  it("a service's spans arrive in Jaeger over OTLP http/protobuf, with the caller's parent", async () => {
    logger = await ServiceProcess.start('logger-service', {
      ...(await loggerEnv(database)).env,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${ports.otlpHttp}`,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    const url = logger.url;
    const hexTraceId = randomTraceId();
    const response = await postTraced(
      `${url}/log`,
      { name: database, data: 'to jaeger' },
      hexTraceId,
    );
    expect(response.status).toBe(202);

    const trace = await eventually(
      async () => {
        const answer = await fetch(`http://127.0.0.1:${ports.ui}/api/traces/${hexTraceId}`);
        if (!answer.ok) return undefined;
        const body = (await answer.json()) as { data?: JaegerTrace[] };
        const found = body.data?.[0];
        return found && found.spans.some((s) => s.operationName === 'POST /log')
          ? found
          : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: `trace ${hexTraceId} in Jaeger` },
    );
    const server = trace.spans.find((s) => s.operationName === 'POST /log')!;
    expect(trace.processes[server.processID]?.serviceName).toBe('logger-service');
    expect(server.references).toContainEqual(
      expect.objectContaining({ refType: 'CHILD_OF', spanID: CALLER_SPAN_ID }),
    );
    // MongoDB's spans are in the same trace, below the request
    expect(trace.spans.length).toBeGreaterThan(2);
  });
});
