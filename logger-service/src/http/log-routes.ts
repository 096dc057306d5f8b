import {
  type HttpAppOptions,
  ValidationError,
  parseInput,
  sendAccepted,
  sendOk,
} from '@ms/service-kit';
import { type LogBatchResponse, logBatchRequestSchema } from '@ms/service-kit/contracts';
import { type LogEntries, batchSummary } from '../domain/log-entries';

/** HTTP adapter: hand the input to the domain, answer with the envelope; errors go to the kit's handler. */
export function logRoutes(entries: LogEntries): HttpAppOptions['routes'] {
  return (app) => {
    app.post('/log', async (req, res) => {
      await entries.write(req.body);
      sendAccepted(res, 'logged');
    });
    app.post('/logs/batch', async (req, res) => {
      const body: unknown = req.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new ValidationError('body must be an object {"entries": [...]}');
      }
      const { entries: inputs } = parseInput(logBatchRequestSchema, body);
      const results = await entries.writeMany(inputs);
      sendOk<LogBatchResponse>(res, batchSummary(results), { results });
    });
    app.get('/logs', async (req, res) => {
      sendOk(res, 'logs', await entries.list(req.query));
    });
    app.get('/logs/:id', async (req, res) => {
      sendOk(res, 'log entry', await entries.get(req.params.id));
    });
  };
}
