import {
  type ManagedProcess,
  eventually,
  mailHogProcess,
  requireDependency,
  uniqueName,
} from '@ms/testing';
import request from 'supertest';
import { header, messagesTo } from '../support/mailhog';
import { type TestMailService, startMailService } from '../support/mail-service';

// A private MailHog that this file stops and starts: the shared one is left alone.
describe('mail-service when the SMTP server goes away and comes back', () => {
  let mailhog: ManagedProcess & { apiUrl: string; smtpPort: number };
  let service: TestMailService;

  const mail = (to: string, subject: string) => ({ to, subject, message: 'Hi' });

  beforeAll(async () => {
    mailhog = await mailHogProcess();
    await requireDependency('MailHog binary', 'MAILHOG_BIN', () => mailhog.start());
    service = await startMailService({
      MAIL_HOST: '127.0.0.1',
      MAIL_PORT: String(mailhog.smtpPort),
    });
  });

  afterAll(async () => {
    await service?.stop();
    await mailhog?.stop();
  });

  it('answers 503 within 5 s while it is down, and recovers without a restart', async () => {
    const to = `${uniqueName('rcpt')}@example.com`;
    const before = await request(service.url).post('/send').send(mail(to, 'before'));
    expect(before.status).toBe(202);

    await mailhog.stop();
    const started = Date.now();
    const during = await request(service.url).post('/send').send(mail(to, 'during'));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(during.status).toBe(503);
    expect(during.body).toEqual({ error: true, message: 'mail server unavailable' });

    const notReady = await request(service.url).get('/readyz');
    expect(notReady.status).toBe(503);
    expect(notReady.body.data).toEqual({ checks: { smtp: 'failing' } });

    await mailhog.start();
    await eventually(
      async () => (await request(service.url).post('/send').send(mail(to, 'after'))).status === 202,
      { what: 'a send to succeed after MailHog restarted' },
    );
    expect((await request(service.url).get('/readyz')).status).toBe(200);
    // MailHog keeps mail in memory: the restarted one holds only what came after.
    const messages = await messagesTo(mailhog.apiUrl, to);
    expect(messages.map((message) => header(message, 'Subject'))).toEqual(['after']);
  });
});
