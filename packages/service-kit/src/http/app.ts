import cors from 'cors';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { NotFoundError, UnsupportedMediaTypeError } from '../errors';
import type { Logger } from '../logger';
import type { Readiness } from '../readiness';
import { sendEnvelope, sendOk } from './envelope';
import { errorHandler } from './error-handler';
import { type Metrics, createMetrics, metricsMiddleware } from './metrics';
import { currentRequestId } from '../request-context';
import { currentTraceIds } from '../tracing/context';
import { requestIdMiddleware } from './request-id';

export interface HttpAppOptions {
  service: string;
  logger: Logger;
  /** Origins allowed by CORS; an empty list allows none. */
  corsOrigins?: string[];
  /** JSON body limit; 1 MiB by default. */
  bodyLimit?: string | number;
  /** Larger (or smaller) limits for particular paths, e.g. a batch route: path -> limit. */
  bodyLimitByPath?: Record<string, string | number>;
  readiness?: Readiness;
  metrics?: Metrics;
  /** Mounts the service's own routes. */
  routes: (app: Express) => void;
}

/**
 * The Express app every service uses: request id, access log, metrics, helmet, CORS,
 * JSON parsing with a limit, /ping /healthz /readyz /metrics, the service's routes,
 * then 404 and the one error handler.
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const { logger, readiness } = options;
  const metrics = options.metrics ?? createMetrics(options.service);
  const app = express();
  app.disable('x-powered-by');
  // ETags are hashed from every body (sha1 per response) and no client here revalidates.
  app.set('etag', false);
  app.set('trust proxy', false);

  // Answered before everything else, like the Go original's heartbeat middleware: load
  // balancers call it often and it needs no request id, CORS or body parsing.
  app.get('/ping', (_req, res) => {
    res.type('text/plain').send('.');
  });
  app.use(requestIdMiddleware);
  app.use(accessLog(logger));
  app.use(metricsMiddleware(metrics));
  app.use(helmet());
  app.use(
    cors({
      origin: options.corsOrigins ?? [],
      methods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
      allowedHeaders: ['Accept', 'Authorization', 'Content-Type', 'X-CSRF-Token', 'X-Request-Id'],
      exposedHeaders: ['Link', 'X-Request-Id'],
      credentials: true,
      maxAge: 300,
    }),
  );
  app.use(requireJsonBody);
  for (const [path, limit] of Object.entries(options.bodyLimitByPath ?? {})) {
    app.use(path, express.json({ limit, strict: true }));
  }
  // Skipped by express.json where a path's own parser already read the body.
  app.use(express.json({ limit: options.bodyLimit ?? '1mb', strict: true }));

  app.get('/healthz', (_req, res) => sendOk(res, 'alive'));
  app.get('/readyz', async (_req, res) => {
    const report = readiness
      ? await readiness.run()
      : { ready: true, checks: {}, failing: [], details: {} };
    sendEnvelope(res, report.ready ? 200 : 503, {
      error: !report.ready,
      message: report.ready ? 'ready' : `not ready: ${report.failing.join(', ')}`,
      data: { ...report.details, checks: report.checks },
    });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  options.routes(app);

  app.use((_req: Request, _res: Response, next: NextFunction) =>
    next(new NotFoundError('route not found')),
  );
  app.use(errorHandler(logger));
  return app;
}

/** A request that carries a body must say it is JSON; an empty POST (e.g. POST /) is fine. */
function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined ||
    Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody && !req.is('application/json') && !req.is('application/*+json')) {
    next(new UnsupportedMediaTypeError());
    return;
  }
  next();
}

const QUIET_PATHS = new Set(['/metrics', '/healthz', '/readyz']);

function accessLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (QUIET_PATHS.has(req.path) || !logger.isLevelEnabled('info')) {
      next();
      return;
    }
    const started = process.hrtime.bigint();
    // Taken now: 'finish' fires outside the request's async context.
    const requestId = currentRequestId();
    const traceIds = currentTraceIds();
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        {
          requestId,
          ...traceIds,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          durationMs: Math.round(durationMs * 10) / 10,
        },
        'request',
      );
    });
    next();
  };
}
