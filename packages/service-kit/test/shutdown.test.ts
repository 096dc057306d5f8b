import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Shutdown, createLogger } from '../src';

const silent = createLogger('test', { level: 'silent' });

describe('Shutdown', () => {
  it('closes resources in reverse registration order and exits 0', async () => {
    const closed: string[] = [];
    const exit = jest.fn();
    const shutdown = new Shutdown({ logger: silent, exit });
    shutdown.register('pool', () => void closed.push('pool'));
    shutdown.register('server', async () => void closed.push('server'));
    await Promise.all([shutdown.run('test'), shutdown.run('again')]);
    expect(closed).toEqual(['server', 'pool']);
    expect(exit).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(0);
    expect(shutdown.signal.aborted).toBe(true);
  });

  it('keeps closing the rest when one close fails, and exits 1', async () => {
    const closed: string[] = [];
    const exit = jest.fn();
    const shutdown = new Shutdown({ logger: silent, exit });
    shutdown.register('pool', () => void closed.push('pool'));
    shutdown.register('broken', () => {
      throw new Error('boom');
    });
    await shutdown.run('test');
    expect(closed).toEqual(['pool']);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('gives up at the deadline and exits 1', async () => {
    const lines: string[] = [];
    const logger = createLogger('test', {
      destination: new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) }),
    });
    const exit = jest.fn();
    const shutdown = new Shutdown({ logger, exit, timeoutMs: 100 });
    shutdown.register('stuck', () => new Promise(() => undefined));
    await shutdown.run('test');
    expect(exit).toHaveBeenCalledWith(1);
    expect(lines.join('')).toContain('shutdown deadline passed');
  });
});

describe('runService in a real process', () => {
  const tsx = path.join(__dirname, '../../../node_modules/.bin/tsx');
  const fixture = path.join(__dirname, 'fixtures/shutdown-child.ts');

  it('on SIGTERM lets the in-flight request finish, closes the service and exits 0', async () => {
    const child = spawn(tsx, [fixture], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'silent' },
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child did not start: ${out}`)), 20_000);
      child.stdout.on('data', () => {
        const match = /listening (\d+)/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
    });
    const inFlight = fetch(`http://127.0.0.1:${port}/?ms=500`).then((r) => r.text());
    // SIGTERM once the request is in the server's hands (not before it arrived).
    await new Promise<void>((resolve) => {
      const check = () => out.includes('request received') && resolve();
      check();
      child.stdout.on('data', check);
    });
    child.kill('SIGTERM');
    await expect(inFlight).resolves.toBe('done');
    await expect(exited).resolves.toBe(0);
    expect(out).toContain('closed http server\nclosed pool\n');
  });

  it('exits 1 with a fatal log line when the service cannot start', () => {
    const result = spawnSync(tsx, [fixture], {
      env: { ...process.env, LOG_LEVEL: 'info', FAIL_START: '1' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    const fatal = result.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.level === 'fatal');
    expect(fatal).toMatchObject({
      msg: 'fixture failed to start',
      err: 'cannot reach the database',
    });
  });
});

describe('runService when an error escapes', () => {
  const tsx = path.join(__dirname, '../../../node_modules/.bin/tsx');
  const fixture = path.join(__dirname, 'fixtures/crash-child.ts');

  it.each([
    ['rejection', 'unhandled rejection', 'nobody awaited this'],
    ['exception', 'uncaught exception', 'thrown in a timer'],
  ])(
    '%s: logged as fatal, the service drains, and it exits 1 with nothing on stderr',
    (crash, origin, message) => {
      const result = spawnSync(tsx, [fixture], {
        env: { ...process.env, LOG_LEVEL: 'info', CRASH: crash },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe('');
      const lines = result.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const messages = lines.map((line) => line.msg);
      expect(lines.find((line) => line.level === 'fatal')).toMatchObject({
        msg: `fixture crashed: ${origin}`,
        err: message,
        origin,
      });
      // the drain ran after the crash, and the logger's last lines reached stdout
      expect(messages.indexOf('drained')).toBeGreaterThan(
        messages.indexOf(`fixture crashed: ${origin}`),
      );
      expect(messages.at(-1)).toBe('shutdown complete');
    },
  );
});

describe('closeHttpServer', () => {
  it('closes a socket that never sent a request after the grace period', async () => {
    const { connect } = await import('node:net');
    const { closeHttpServer, listen, portOf } = await import('../src');
    const server = await listen((_req, res) => res.end('ok'), 0, '127.0.0.1');
    const idle = connect(portOf(server), '127.0.0.1');
    await new Promise((resolve) => idle.once('connect', resolve));
    const closedByServer = new Promise((resolve) => idle.once('close', resolve));
    const started = Date.now();
    await closeHttpServer(server, { graceMs: 200 });
    await closedByServer;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(server.listening).toBe(false);
  });
});
