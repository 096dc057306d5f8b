import path from 'node:path';
import { type Logger, closeHttpServer, createHttpApp, listen, portOf } from '@ms/service-kit';
import type { FrontEndConfig } from './config';
import { pageRoutes } from './http/routes';
import { pageConfigOf } from './page-config';

export interface FrontEndDeps {
  logger: Logger;
  signal?: AbortSignal;
}

export interface RunningFrontEnd {
  port: number;
  stop(): Promise<void>;
}

/** Same folder from src/ (tsx) and from dist/ (node): both sit one level below front-end/. */
export const PUBLIC_DIR = path.resolve(__dirname, '..', 'public');

export function bootstrapCssDir(): string {
  return path.dirname(require.resolve('bootstrap/dist/css/bootstrap.min.css'));
}

export async function start(config: FrontEndConfig, deps: FrontEndDeps): Promise<RunningFrontEnd> {
  const app = createHttpApp({
    service: 'front-end',
    logger: deps.logger,
    corsOrigins: config.CORS_ORIGINS,
    routes: pageRoutes({
      pageConfig: pageConfigOf(config),
      publicDir: PUBLIC_DIR,
      bootstrapCssDir: bootstrapCssDir(),
    }),
  });
  const server = await listen(app, config.PORT);
  const port = portOf(server);
  deps.logger.info({ port, brokerUrl: config.BROKER_URL }, `test page on http://localhost:${port}`);
  return { port, stop: () => closeHttpServer(server, { graceMs: DRAIN_GRACE_MS }) };
}

/** Static files are sent in well under this; browsers' spare sockets are closed after it. */
const DRAIN_GRACE_MS = 1000;
