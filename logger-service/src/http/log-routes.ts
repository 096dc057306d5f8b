import { type HttpAppOptions, sendAccepted, sendOk } from '@ms/service-kit';
import type { LogEntries } from '../domain/log-entries';

/** HTTP adapter: hand the input to the domain, answer with the envelope; errors go to the kit's handler. */
export function logRoutes(entries: LogEntries): HttpAppOptions['routes'] {
  return (app) => {
    app.post('/log', async (req, res) => {
      await entries.write(req.body);
      sendAccepted(res, 'logged');
    });
    app.get('/logs', async (req, res) => {
      sendOk(res, 'logs', await entries.list(req.query));
    });
    app.get('/logs/:id', async (req, res) => {
      sendOk(res, 'log entry', await entries.get(req.params.id));
    });
  };
}
