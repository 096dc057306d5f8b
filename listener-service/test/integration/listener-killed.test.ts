import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually, freePort, REPO_ROOT, uniqueName } from '@ms/testing';
import { usePipeline } from '../support/pipeline';

const EVENTS = 300;
// No listener in-process: the test runs its own, as child processes.
const pipeline = usePipeline({ listeners: 0 });
const { config, env, logger } = pipeline;
const children: ChildProcess[] = [];

jest.setTimeout(120_000);

/** The listener as its own process, from source as `npm run dev` runs it. */
async function spawnListener(): Promise<{
  child: ChildProcess;
  url: string;
  output: () => string;
}> {
  const port = await freePort();
  // node with tsx's loader, not the tsx CLI: the CLI runs the service in a grandchild,
  // which a SIGKILL of the CLI would leave running.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(REPO_ROOT, 'listener-service/src/main.ts')],
    {
      cwd: path.join(REPO_ROOT, 'listener-service'),
      env: { ...process.env, ...env, PORT: String(port), LOGGER_SERVICE_URL: logger.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => (await fetch(`${url}/readyz`)).status === 200, {
    timeoutMs: 30_000,
    what: `the listener process to be ready; output: ${output}`,
  });
  return { child, url, output: () => output };
}

function killHard(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  return exited;
}

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) await killHard(child);
  }
});

it('loses nothing when the listener is killed mid-stream and started again', async () => {
  const name = uniqueName('killed_listener');
  const first = await spawnListener();

  const ids: string[] = [];
  const publishing = (async () => {
    for (let i = 0; i < EVENTS; i++) {
      ids.push(await pipeline.publisher.publishEvent(name, `event ${i}`));
      await sleep(5); // a steady stream, so that the kill lands in the middle of it
    }
  })();
  // Kill it once it is busy storing, while events are still being published.
  await eventually(async () => (await logger.entries(name)).length >= 30, {
    timeoutMs: 30_000,
    intervalMs: 20,
    what: 'the first events to be stored',
  });
  await killHard(first.child);
  const killedAfter = ids.length;
  await publishing;
  const storedWhileDown = (await logger.entries(name)).length;

  await spawnListener();

  const entries = await eventually(
    async () => {
      const found = await logger.entries(name);
      return found.length >= EVENTS && found;
    },
    { timeoutMs: 60_000, intervalMs: 500, what: `all ${EVENTS} events to be stored` },
  );
  // It really was killed mid-stream: events were published after the kill and waited.
  expect(killedAfter).toBeLessThan(EVENTS);
  expect(storedWhileDown).toBeLessThan(EVENTS);
  expect(entries).toHaveLength(EVENTS);
  expect(new Set(entries.map((entry) => entry.event_id))).toEqual(new Set(ids));
  expect(await pipeline.publisher.messageCount(config.DEAD_LETTER_QUEUE)).toBe(0);
});
