// Distributed tracing across real processes: logger, authentication, listener and broker
// each run from source as their own process (main.ts, as `make dev` runs them), against
// the real Postgres, RabbitMQ and FerretDB, exporting over OTLP http/protobuf to a
// receiver in this test (OtlpReceiver), which keeps the spans in memory.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  OtlpReceiver,
  ServiceProcess,
  type ReceivedSpan,
  type ScratchDatabase,
  createScratchDatabase,
  deleteRabbitNames,
  eventually,
  freePort,
  infra,
  loggerEnv,
  requireAllDependencies,
  uniqueName,
  withMongo,
} from '@ms/testing';
import { CALLER_SPAN_ID, postTraced, randomTraceId } from './support/traced-post';

jest.setTimeout(180_000);

const name = uniqueName('tracing_e2e');
const receiver = new OtlpReceiver();
/** The services; their output (stderr and non-JSON lines) is printed with TRACING_TEST_DEBUG=1. */
const children: ServiceProcess[] = [];
let database: ScratchDatabase;
let brokerUrl = '';
let listenerUrl = '';
const names = {
  exchange: `${name}.logs`,
  queue: `${name}.listener`,
  deadExchange: `${name}.dead`,
  deadQueue: `${name}.listener.dead`,
  retryDelays: [500, 1000],
};

/** A service from source, as its own process, exporting to the receiver; stopped after the file. */
async function spawnService(
  folder: string,
  env: Record<string, string>,
): Promise<{ url: string; lines: Record<string, unknown>[] }> {
  const service = await ServiceProcess.start(folder, {
    LOG_LEVEL: 'info',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_BSP_SCHEDULE_DELAY: '100',
    ...(process.env.TRACING_TEST_DEBUG ? { OTEL_LOG_LEVEL: 'debug' } : {}),
    PORT: String(await freePort()),
    ...env,
  });
  children.push(service);
  return service;
}

async function stopAll(): Promise<void> {
  await Promise.all(children.map((service) => service.stop()));
}

beforeAll(async () => {
  await requireAllDependencies();
  await receiver.start();
  database = await createScratchDatabase('tracing_auth');
  const { amqpUrl, mailHost, mailPort } = infra();

  const { env: loggerServiceEnv, ports: loggerPorts } = await loggerEnv(name);
  const logger = await spawnService('logger-service', loggerServiceEnv);
  const [auth, listener, mail] = await Promise.all([
    spawnService('authentication-service', {
      POSTGRES_URL: database.url,
      LOGGER_SERVICE_URL: logger.url,
      BCRYPT_COST: '4',
    }),
    spawnService('listener-service', {
      AMQP_URL: amqpUrl,
      LOGGER_SERVICE_URL: logger.url,
      LOGS_EXCHANGE: names.exchange,
      LISTENER_QUEUE: names.queue,
      DEAD_LETTER_EXCHANGE: names.deadExchange,
      DEAD_LETTER_QUEUE: names.deadQueue,
      RETRY_DELAYS_MS: names.retryDelays.join(','),
      // one event, one batch: the trace of a lone event is the case under test
      BATCH_MAX_WAIT_MS: '0',
    }),
    spawnService('mail-service', { MAIL_HOST: mailHost, MAIL_PORT: String(mailPort) }),
  ]);
  const broker = await spawnService('broker-service', {
    AMQP_URL: amqpUrl,
    LOGS_EXCHANGE: names.exchange,
    AUTH_SERVICE_URL: auth!.url,
    MAIL_SERVICE_URL: mail!.url,
    LOGGER_SERVICE_URL: logger.url,
    LOGGER_RPC_ADDR: `127.0.0.1:${loggerPorts.rpcPort}`,
    LOGGER_GRPC_ADDR: `127.0.0.1:${loggerPorts.grpcPort}`,
  });
  brokerUrl = broker.url;
  listenerUrl = listener!.url;
});

afterAll(async () => {
  if (process.env.TRACING_TEST_DEBUG) {
    for (const c of children) console.log(c.name, receiver.endpoint, c.output.slice(-1500));
  }
  await stopAll();
  await receiver.stop();
  await deleteRabbitNames({
    queues: [
      names.queue,
      names.deadQueue,
      ...names.retryDelays.map((ms) => `${names.queue}.retry.${ms}ms`),
    ],
    exchanges: [names.deadExchange, names.exchange],
  }).catch(() => undefined);
  await withMongo((client) => client.db(name).dropDatabase()).catch(() => undefined);
  await database?.drop();
});

const TRACE_ID = /^[0-9a-f]{32}$/;

/** POSTs to the broker with a traceparent of the test's own, so the trace id is known. */
async function postToBroker(
  route: string,
  body: object,
): Promise<{ status: number; traceId: string }> {
  const traceId = randomTraceId();
  const response = await postTraced(`${brokerUrl}${route}`, body, traceId);
  await response.arrayBuffer();
  return { status: response.status, traceId };
}

/** Waits until the trace has a span matching each predicate; returns the trace's spans. */
async function traceWith(
  traceId: string,
  wanted: Record<string, (span: ReceivedSpan) => boolean>,
): Promise<ReceivedSpan[]> {
  await eventually(
    () => Object.values(wanted).every((match) => receiver.trace(traceId).some(match)),
    { timeoutMs: 20_000, what: `spans ${Object.keys(wanted).join(', ')} in trace ${traceId}` },
  ).catch((err: Error) => {
    const missing = Object.keys(wanted).filter(
      (key) => !receiver.trace(traceId).some(wanted[key]!),
    );
    throw new Error(
      `${err.message}; missing ${missing.join(', ')}; have: ${spanList(receiver.trace(traceId))}` +
        ` (${receiver.spans.length} spans in ${receiver.requests} exports in all)`,
    );
  });
  // a moment for the spans that end after the answer (acks, access logs)
  await sleep(300);
  return receiver.trace(traceId);
}

function spanList(spans: ReceivedSpan[]): string {
  return spans.map((s) => `${s.service}:${s.kind}:${s.name}`).join(' | ');
}

/** The span's ancestors up to the root, nearest first. */
function ancestors(spans: ReceivedSpan[], span: ReceivedSpan): ReceivedSpan[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const chain: ReceivedSpan[] = [];
  let parent = byId.get(span.parentSpanId);
  while (parent) {
    chain.push(parent);
    parent = byId.get(parent.parentSpanId);
  }
  return chain;
}

const is =
  (
    service: string,
    kind: ReceivedSpan['kind'],
    test: (span: ReceivedSpan) => boolean = () => true,
  ) =>
  (span: ReceivedSpan) =>
    span.service === service && span.kind === kind && test(span);

/** db.system (older semantic conventions) or db.system.name (newer), whichever is sent. */
const dbSystem = (span: ReceivedSpan) =>
  span.attributes['db.system.name'] ?? span.attributes['db.system'];

const isMongo = (span: ReceivedSpan) =>
  span.service === 'logger-service' && span.kind === 'client' && dbSystem(span) === 'mongodb';

it('one trace runs broker -> RabbitMQ -> listener -> logger -> MongoDB, each hop a child of the last', async () => {
  const { status, traceId } = await postToBroker('/handle', {
    action: 'log',
    log: { name: `${name}_amqp`, data: 'through the queue' },
  });
  expect(status).toBe(202);
  const spans = await traceWith(traceId, {
    brokerServer: is('broker-service', 'server'),
    publish: is('broker-service', 'producer'),
    consume: is('listener-service', 'consumer'),
    batch: (s) => s.service === 'listener-service' && s.name === 'store log batch',
    loggerServer: is('logger-service', 'server'),
    mongo: isMongo,
  });
  // The deepest span (MongoDB's insert) descends, hop by hop, from the broker's request.
  const insert = spans.find((s) => isMongo(s) && s.name.startsWith('insert'))!;
  expect(insert).toBeDefined();
  const chain = ancestors(spans, insert).map((s) => `${s.service}:${s.kind}`);
  expect(chain).toEqual(
    expect.arrayContaining([
      'logger-service:server',
      'listener-service:client',
      'listener-service:internal',
      'listener-service:consumer',
      'broker-service:producer',
      'broker-service:server',
    ]),
  );
  // Order: the logger's server span is below the listener's, which is below the broker's.
  const order = [
    'logger-service:server',
    'listener-service:consumer',
    'broker-service:producer',
    'broker-service:server',
  ];
  expect(order.map((hop) => chain.indexOf(hop))).toEqual(
    [...order.map((hop) => chain.indexOf(hop))].sort((a, b) => a - b),
  );
  // The incoming traceparent was honoured: the broker's server span is the caller's child.
  const root = spans.find(is('broker-service', 'server'))!;
  expect(root.parentSpanId).toBe(CALLER_SPAN_ID);
  // The batch span links to its deliveries' consume spans.
  const batch = spans.find((s) => s.name === 'store log batch')!;
  const consume = spans.find(is('listener-service', 'consumer'))!;
  expect(batch.links).toContainEqual({ traceId, spanId: consume.spanId });
});

it("the listener's /metrics has the pipeline's lag and its queues' depths (the dashboard's)", async () => {
  const metrics = await (await fetch(`${listenerUrl}/metrics`)).text();
  // the event of the test above was stored: one lag observation at least
  expect(
    Number(/^listener_event_lag_seconds_count\{[^}]*\} (\d+)/m.exec(metrics)?.[1]),
  ).toBeGreaterThan(0);
  for (const queue of [names.queue, names.deadQueue, `${names.queue}.retry.500ms`]) {
    expect(metrics).toMatch(
      new RegExp(
        `^listener_queue_messages\\{[^}]*queue="${queue.replace(/\./g, '\\.')}"[^}]*\\} 0$`,
        'm',
      ),
    );
  }
});

it.each([
  ['http', 'POST /log'],
  ['rpc', 'LogInfo'],
  ['grpc', 'logs.LogService/WriteLog'],
])('broker -> logger over %s is one trace, down to MongoDB', async (via, serverSpan) => {
  const { status, traceId } = await postToBroker('/handle', {
    action: 'log',
    log: { name: `${name}_${via}`, data: `via ${via}` },
    via,
  });
  expect(status).toBe(202);
  const spans = await traceWith(traceId, {
    brokerClient: is('broker-service', 'client'),
    loggerServer: is('logger-service', 'server', (s) => s.name.includes(serverSpan)),
    mongo: isMongo,
  });
  const server = spans.find(is('logger-service', 'server', (s) => s.name.includes(serverSpan)))!;
  const parent = spans.find((s) => s.spanId === server.parentSpanId);
  // The logger's server span is the child of the broker's client span: context crossed the wire.
  expect(parent).toMatchObject({ service: 'broker-service', kind: 'client' });
  const insert = spans.find(isMongo)!;
  expect(ancestors(spans, insert)).toContainEqual(server);
});

it('broker -> authentication -> Postgres is one trace, and the login event continues it', async () => {
  const { status, traceId } = await postToBroker('/handle', {
    action: 'auth',
    auth: { email: 'admin@example.com', password: 'verysecret' },
  });
  expect(status).toBe(202);
  const spans = await traceWith(traceId, {
    brokerClient: is('broker-service', 'client'),
    authServer: is('authentication-service', 'server'),
    // the authentication service logs the login through the logger, in the same trace
    loginEvent: is('logger-service', 'server'),
    postgres: (s) => s.service === 'authentication-service' && dbSystem(s) === 'postgresql',
  });
  const authServer = spans.find(is('authentication-service', 'server'))!;
  expect(spans.find((s) => s.spanId === authServer.parentSpanId)).toMatchObject({
    service: 'broker-service',
    kind: 'client',
  });
  const query = spans.find(
    (s) => s.service === 'authentication-service' && dbSystem(s) === 'postgresql',
  )!;
  expect(ancestors(spans, query)).toContainEqual(authServer);
});

it('broker -> mail -> SMTP is one trace', async () => {
  const { status, traceId } = await postToBroker('/handle', {
    action: 'mail',
    mail: { from: 'me@example.com', to: 'you@example.com', subject: name, message: 'traced' },
  });
  expect(status).toBe(202);
  const spans = await traceWith(traceId, {
    mailServer: is('mail-service', 'server'),
    smtp: is('mail-service', 'client', (s) => s.name === 'smtp send'),
  });
  const mailServer = spans.find(is('mail-service', 'server'))!;
  expect(spans.find((s) => s.spanId === mailServer.parentSpanId)).toMatchObject({
    service: 'broker-service',
    kind: 'client',
  });
  const smtp = spans.find((s) => s.name === 'smtp send')!;
  expect(ancestors(spans, smtp)).toContainEqual(mailServer);
});

it('every log line written inside a trace carries its trace_id and span_id; X-Request-Id still works', async () => {
  const requestId = uniqueName('req');
  const traceId = 'ab'.repeat(16);
  const response = await postTraced(
    `${brokerUrl}/handle`,
    { action: 'log', log: { name: `${name}_lines`, data: 'x' }, via: 'rpc' },
    traceId,
    { 'x-request-id': requestId },
  );
  expect(response.status).toBe(202);
  expect(response.headers.get('x-request-id')).toBe(requestId);
  const linesOf = (service: string) =>
    children.find((c) => c.name === service)!.lines.filter((l) => l.requestId === requestId);
  await eventually(
    () => linesOf('broker-service').length > 0 && linesOf('logger-service').length > 0,
    {
      timeoutMs: 10_000,
      what: 'log lines with the request id in the broker and the logger',
    },
  );
  for (const line of [...linesOf('broker-service'), ...linesOf('logger-service')]) {
    expect(line).toMatchObject({ trace_id: traceId });
    expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);
  }
  expect(traceId).toMatch(TRACE_ID);
  // the request id is on the HTTP server spans, so the trace can be found by it
  const spans = await traceWith(traceId, {
    loggerServer: is('logger-service', 'server', (s) => s.name === 'LogInfo'),
  });
  expect(spans.find(is('broker-service', 'server'))?.attributes['request.id']).toBe(requestId);
});

it('a request without a traceparent starts a trace of its own, which reaches the logger', async () => {
  const response = await fetch(`${brokerUrl}/handle`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'log', log: { name: `${name}_fresh`, data: 'x' }, via: 'http' }),
  });
  expect(response.status).toBe(202);
  const requestId = response.headers.get('x-request-id');
  const broker = children.find((c) => c.name === 'broker-service')!;
  await eventually(() => broker.lines.some((l) => l.requestId === requestId && l.trace_id), {
    timeoutMs: 10_000,
    what: 'the access log line',
  });
  const traceId = String(broker.lines.find((l) => l.requestId === requestId)!.trace_id);
  expect(traceId).toMatch(TRACE_ID);
  await traceWith(traceId, { loggerServer: is('logger-service', 'server') });
});
