// `make dev`: every service as a local process on the design's host ports, with
// prefixed, interleaved logs. Ctrl-C or SIGTERM stops them all. Works without a
// terminal (CI, `make dev &`). Infrastructure must be up: `make infra` (the Makefile
// target `dev` does that first).
//
// Set DEV_SERVICES=broker,logger to run a subset. Services run from source with tsx;
// the root tsconfig.json maps @ms/service-kit to its source, so no build step is needed.
import { concurrently } from 'concurrently';
import { connect } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const services = [
  // the broker forwards its caller's address; trust it from loopback (the broker) only
  {
    name: 'auth',
    folder: 'authentication-service',
    color: 'magenta',
    env: { TRUST_PROXY: 'loopback' },
  },
  { name: 'logger', folder: 'logger-service', color: 'green' },
  { name: 'mail', folder: 'mail-service', color: 'yellow' },
  { name: 'listener', folder: 'listener-service', color: 'cyan' },
  { name: 'broker', folder: 'broker-service', color: 'blue' },
  { name: 'front-end', folder: 'front-end', color: 'white' },
];

// Traces: exported to a local Jaeger when one answers on its OTLP HTTP port (`make jaeger`,
// started by `make dev` once built), unless OTEL_EXPORTER_OTLP_ENDPOINT says otherwise.
const JAEGER_OTLP = { host: '127.0.0.1', port: 4318 };
const tracingEnv = {};
if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT === undefined && (await answers(JAEGER_OTLP))) {
  tracingEnv.OTEL_EXPORTER_OTLP_ENDPOINT = `http://${JAEGER_OTLP.host}:${JAEGER_OTLP.port}`;
  console.log(
    `dev: traces go to Jaeger (${tracingEnv.OTEL_EXPORTER_OTLP_ENDPOINT}; API and UI on :16686)`,
  );
}

const wanted = process.env.DEV_SERVICES?.split(',').map((s) => s.trim());
const selected = services.filter((s) => !wanted || wanted.includes(s.name));

const { result } = concurrently(
  selected.map((s) => ({
    name: s.name,
    prefixColor: s.color,
    command: `node_modules/.bin/tsx ${s.folder}/src/main.ts`,
    cwd: root,
    env: { NODE_ENV: 'development', ...tracingEnv, ...s.env },
  })),
  {
    prefix: '{time} {name}',
    timestampFormat: 'HH:mm:ss',
    padPrefix: true,
    killOthersOn: ['failure'],
    handleInput: false,
    // concurrently forwards SIGINT/SIGTERM/SIGHUP to every service; each drains and exits.
    killSignal: 'SIGTERM',
  },
);

result.then(
  () => process.exit(0),
  (events) => {
    const failed = events.filter((e) => e.exitCode !== 0 && !e.killed).map((e) => e.command.name);
    if (failed.length) console.error(`dev: ${failed.join(', ')} exited with an error`);
    process.exit(failed.length ? 1 : 0);
  },
);

function answers({ host, port }) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(500);
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}
