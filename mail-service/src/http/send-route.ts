import { type Logger, parseInput, sendAccepted } from '@ms/service-kit';
import { mailMessageSchema } from '@ms/service-kit/contracts';
import type { Express } from 'express';
import type { Mailer } from '../domain/mailer';

/** POST /send {"from"?, "to", "subject", "message"} -> 202 "sent to <to>". */
export function sendRoute(mailer: Pick<Mailer, 'send'>, logger: Logger) {
  return (app: Express): void => {
    app.post('/send', async (req, res) => {
      const request = parseInput(mailMessageSchema, req.body ?? {});
      const { messageId } = await mailer.send(request);
      logger.info({ messageId }, 'mail sent');
      sendAccepted(res, `sent to ${request.to}`);
    });
  };
}
