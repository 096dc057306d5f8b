import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceProcess } from '../stack/service-process';

export interface RunningReferenceApp {
  url: string;
  stop(): Promise<void>;
}

/** Starts express-ping.cjs as its own node process and waits until it answers. */
export async function startExpressPing(port: number, logDir: string): Promise<RunningReferenceApp> {
  const app = new ServiceProcess({
    name: 'express-ping',
    args: [path.join(__dirname, 'express-ping.cjs')],
    cwd: __dirname,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: String(port) },
    logFile: path.join(logDir, 'express-ping.log'),
  });
  app.start();
  const url = `http://127.0.0.1:${port}/ping`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (app.exited) throw new Error(app.describeExit());
    const up = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (res) => res.ok,
      () => false,
    );
    if (up) return { url, stop: () => app.stop(5000) };
    if (Date.now() > deadline) {
      await app.stop(1000).catch(() => undefined);
      throw new Error('the Express reference app did not answer within 20 s');
    }
    await sleep(100);
  }
}
