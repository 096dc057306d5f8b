import { UnavailableError, UpstreamError, createHttpApp, createLogger } from '@ms/service-kit';
import request from 'supertest';
import type { MailMessage } from '@ms/service-kit/contracts';
import { sendRoute } from '../../src/http/send-route';

describe('POST /send', () => {
  const logger = createLogger('mail-service', { level: 'silent' });
  let received: MailMessage[];
  let failure: Error | undefined;

  const app = createHttpApp({
    service: 'mail-service',
    logger,
    routes: sendRoute(
      {
        send: async (mail) => {
          received.push(mail);
          if (failure) throw failure;
          return { messageId: '<id@example.com>' };
        },
      },
      logger,
    ),
  });

  beforeEach(() => {
    received = [];
    failure = undefined;
  });

  const valid = {
    from: 'me@example.com',
    to: 'you@example.com',
    subject: 'Hello',
    message: 'Hi',
  };

  it('answers 202 "sent to <to>" once the mailer has sent', async () => {
    const response = await request(app).post('/send').send(valid);
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ error: false, message: 'sent to you@example.com' });
    expect(received).toEqual([valid]);
  });

  it('refuses a header injection with 400 naming the field, and sends nothing', async () => {
    const response = await request(app)
      .post('/send')
      .send({ ...valid, subject: 'Hello\r\nBcc: victim@example.com' });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: true,
      message: 'subject: must not contain line breaks (CR or LF)',
    });
    expect(received).toEqual([]);
  });

  it('refuses an empty body with 400', async () => {
    const response = await request(app).post('/send');
    expect(response.status).toBe(400);
    expect(response.body.message).toBe('to: is required');
    expect(received).toEqual([]);
  });

  it('refuses a body that is not JSON with 415', async () => {
    const response = await request(app)
      .post('/send')
      .set('content-type', 'text/plain')
      .send('to=you@example.com');
    expect(response.status).toBe(415);
    expect(received).toEqual([]);
  });

  it.each([
    [new UnavailableError('mail server unavailable'), 503],
    [new UpstreamError('mail server rejected the message'), 502],
  ])('answers a mailer failure with its status: %s', async (error, status) => {
    failure = error;
    const response = await request(app).post('/send').send(valid);
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ error: true, message: error.message });
  });
});
