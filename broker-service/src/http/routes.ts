import type { Express, Request, Response } from 'express';
import { ValidationError, parseInput, sendAccepted, sendOk } from '@ms/service-kit';
import type { TokenVerifier } from '../auth/token-verifier';
import type { Broker } from '../domain/broker';
import { requireToken } from './require-token';
import {
  ACTIONS,
  actionSchema,
  handleRequestSchema,
  logGrpcRequestSchema,
  logIdSchema,
  logSearchQuerySchema,
  logsQuerySchema,
} from './schemas';

/** The broker's own routes; /ping /healthz /readyz /metrics come with the kit's app. */
export function brokerRoutes(broker: Broker, tokens: TokenVerifier) {
  return (app: Express): void => {
    const hit = (req: Request, res: Response) => {
      broker.hit(`${req.method} ${req.path}`);
      sendAccepted(res, 'Hit the broker');
    };
    app.get('/', hit);
    app.post('/', hit);

    app.post('/handle', async (req, res) => {
      const { action } = parseInput(actionSchema, req.body);
      if (!(ACTIONS as readonly string[]).includes(action)) {
        throw new ValidationError('unknown action');
      }
      const request = parseInput(handleRequestSchema, req.body);
      switch (request.action) {
        case 'auth': {
          const user = await broker.authenticate(request.auth, req.ip);
          sendAccepted(res, 'Authenticated!', user);
          return;
        }
        case 'log':
          sendAccepted(res, await broker.log(request.log, request.via));
          return;
        case 'mail':
          sendAccepted(res, await broker.mail(request.mail));
          return;
      }
    });

    app.post('/log-grpc', async (req, res) => {
      const { log } = parseInput(logGrpcRequestSchema, req.body);
      sendAccepted(res, await broker.log(log, 'grpc'));
    });

    app.get('/logs', async (req, res) => {
      const query = parseInput(logsQuerySchema, req.query);
      const entries = await broker.listLogs(query);
      sendOk(res, `${entries.length} log ${entries.length === 1 ? 'entry' : 'entries'}`, entries);
    });

    // The log console: a signed-in user reads, an admin deletes (DESIGN.md, Broker).
    const signedIn = requireToken(tokens);
    const admin = requireToken(tokens, 'admin');
    const count = (n: number) => `${n} log ${n === 1 ? 'entry' : 'entries'}`;
    app.get('/logs/search', signedIn, async (req, res) => {
      const page = await broker.logs.search(parseInput(logSearchQuerySchema, req.query));
      const message = page.complete
        ? count(page.entries.length)
        : `${count(page.entries.length)}; the search stopped early, go on with next_cursor`;
      sendOk(res, message, page);
    });
    app.get('/logs/:id', signedIn, async (req, res) => {
      const { id } = parseInput(logIdSchema, req.params);
      sendOk(res, 'log entry', await broker.logs.get(id));
    });
    app.delete('/logs/:id', admin, async (req, res) => {
      const { id } = parseInput(logIdSchema, req.params);
      await broker.logs.delete(id);
      sendAccepted(res, 'log entry deleted');
    });
    app.delete('/logs', admin, async (_req, res) => {
      await broker.logs.deleteAll();
      sendAccepted(res, 'all log entries deleted');
    });
  };
}
