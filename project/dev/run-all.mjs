// `make dev`: every service as a local process on the design's host ports, with
// prefixed, interleaved logs. Ctrl-C or SIGTERM stops them all. Works without a
// terminal (CI, `make dev &`). Infrastructure must be up: `make infra` (the Makefile
// target `dev` does that first).
//
// Set DEV_SERVICES=broker,logger to run a subset. Services run from source with tsx;
// the root tsconfig.json maps @ms/service-kit to its source, so no build step is needed.
import { concurrently } from 'concurrently';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// The key that signs the log console's access tokens: made once, kept under project/.state,
// so tokens survive a restart of `make dev`.
const tokenKeyFile = path.join(root, 'project/.state/token-key.pem');
if (!existsSync(tokenKeyFile)) {
  mkdirSync(path.dirname(tokenKeyFile), { recursive: true });
  const { privateKey } = generateKeyPairSync('ed25519');
  writeFileSync(tokenKeyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
}

const services = [
  // the broker forwards its caller's address; trust it from loopback (the broker) only
  {
    name: 'auth',
    folder: 'authentication-service',
    color: 'magenta',
    env: { TRUST_PROXY: 'loopback', TOKEN_PRIVATE_KEY_FILE: tokenKeyFile },
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
