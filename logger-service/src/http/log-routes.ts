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
    // Before /logs/:id: "search" is not an id.
    app.get('/logs/search', async (req, res) => {
      const page = await entries.search(req.query);
      const count = `${page.entries.length} log ${page.entries.length === 1 ? 'entry' : 'entries'}`;
      const message = page.complete
        ? count
        : `${count}; the search stopped early (${page.stopped_by === 'deadline' ? 'deadline' : 'query budget'}), go on with next_cursor`;
      sendOk(res, message, page);
    });
    app.get('/logs/:id', async (req, res) => {
      sendOk(res, 'log entry', await entries.get(req.params.id));
    });
    // Reached only through the broker, which checks the caller's token and role.
    app.delete('/logs/:id', async (req, res) => {
      await entries.delete(req.params.id);
      sendAccepted(res, 'log entry deleted');
    });
    app.delete('/logs', async (_req, res) => {
      await entries.deleteAll();
      sendAccepted(res, 'all log entries deleted');
    });
  };
}
