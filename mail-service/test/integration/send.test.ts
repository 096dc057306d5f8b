import { eventually, infra, requireDependency, uniqueName } from '@ms/testing';
import request from 'supertest';
import {
  type MailHogMessage,
  deleteMessages,
  header,
  messagesTo,
  partBody,
} from '../support/mailhog';
import { type TestMailService, startMailService } from '../support/mail-service';

const { mailHost, mailPort, mailhogApiUrl } = infra();
const FROM_NAME = 'Mail Service Test';
const FROM_ADDRESS = 'sender@mail-service.test';

describe('mail-service against MailHog', () => {
  let service: TestMailService;
  const received: MailHogMessage[] = [];

  const address = (what: string) => `${uniqueName(what)}@example.com`;

  async function delivered(to: string, count = 1): Promise<MailHogMessage[]> {
    const messages = await eventually(
      async () => {
        const found = await messagesTo(mailhogApiUrl, to);
        return found.length >= count ? found : undefined;
      },
      { what: `${count} message(s) to ${to} in MailHog` },
    );
    received.push(...messages);
    return messages;
  }

  beforeAll(async () => {
    await requireDependency('MailHog API', mailhogApiUrl, () =>
      fetch(`${mailhogApiUrl}/api/v2/messages?limit=1`, { signal: AbortSignal.timeout(3000) }),
    );
    service = await startMailService({
      MAIL_HOST: mailHost,
      MAIL_PORT: String(mailPort),
      FROM_NAME,
      FROM_ADDRESS,
    });
    await requireDependency('MailHog SMTP', `${mailHost}:${mailPort}`, async () => {
      const ready = await request(service.url).get('/readyz');
      if (ready.status !== 200) throw new Error(JSON.stringify(ready.body));
    });
  });

  afterAll(async () => {
    await service?.stop();
    await deleteMessages(mailhogApiUrl, received);
  });

  it('delivers a multipart mail from the configured sender with the client as Reply-To', async () => {
    const to = address('rcpt');
    const replyTo = address('client');
    const response = await request(service.url).post('/send').send({
      from: replyTo,
      to,
      subject: 'Integration test',
      message: 'Hello <script>alert(1)</script> & welcome\nSecond line',
    });
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ error: false, message: `sent to ${to}` });

    const [mail, ...others] = await delivered(to);
    expect(others).toEqual([]);
    expect(mail?.Raw.From).toBe(FROM_ADDRESS);
    expect(mail?.Raw.To).toEqual([to]);
    expect(header(mail!, 'From')).toBe(`${FROM_NAME} <${FROM_ADDRESS}>`);
    expect(header(mail!, 'To')).toBe(to);
    expect(header(mail!, 'Reply-To')).toBe(replyTo);
    expect(header(mail!, 'Subject')).toBe('Integration test');
    expect(header(mail!, 'Content-Type')).toMatch(/^multipart\/alternative;/);

    expect(partBody(mail!, 'text/plain')).toBe(
      'Hello <script>alert(1)</script> & welcome\nSecond line',
    );
    const html = partBody(mail!, 'text/html');
    expect(html).toMatch(/<p class="message" style="[^"]*white-space: pre-wrap[^"]*">/);
    expect(html).toMatch(/<div class="card" style="[^"]*max-width: 600px/);
    expect(html).not.toMatch(/<style/i);
    expect(html).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt; &amp; welcome');
    expect(html).not.toContain('<script');
  });

  it('sets no Reply-To when the client gives no from', async () => {
    const to = address('rcpt');
    const response = await request(service.url)
      .post('/send')
      .send({ to, subject: 'No from', message: 'Hi' });
    expect(response.status).toBe(202);
    const [mail] = await delivered(to);
    expect(header(mail!, 'From')).toBe(`${FROM_NAME} <${FROM_ADDRESS}>`);
    expect(header(mail!, 'Reply-To')).toBeUndefined();
  });

  it('refuses header injections with 400 and nothing reaches an injected recipient', async () => {
    const to = address('rcpt');
    const victim = address('victim');
    const attempts = [
      { to, subject: `Hi\r\nBcc: ${victim}`, message: 'x' },
      { to: `${to}\r\nBcc: ${victim}`, subject: 'Hi', message: 'x' },
      { to: `${to}>\r\nRCPT TO:<${victim}`, subject: 'Hi', message: 'x' },
      { from: `me@example.com\nBcc: ${victim}`, to, subject: 'Hi', message: 'x' },
      { to: `${to}, ${victim}`, subject: 'Hi', message: 'x' },
      { to: `${to} ${victim}`, subject: 'Hi', message: 'x' },
    ];
    for (const attempt of attempts) {
      const response = await request(service.url).post('/send').send(attempt);
      expect(response.status).toBe(400);
      expect(response.body.error).toBe(true);
      expect(response.body.message).toMatch(/^(to|from|subject): /);
    }

    // A legitimate mail afterwards: once it is there, anything sent before it would be too.
    const ok = await request(service.url)
      .post('/send')
      .send({ to, subject: 'After the attempts', message: 'x' });
    expect(ok.status).toBe(202);
    const messages = await delivered(to);
    expect(messages.map((message) => header(message, 'Subject'))).toEqual(['After the attempts']);
    expect(await messagesTo(mailhogApiUrl, victim)).toEqual([]);
  });

  it('ignores fields that would name an attachment or extra headers', async () => {
    const to = address('rcpt');
    const victim = address('victim');
    const response = await request(service.url)
      .post('/send')
      .send({
        to,
        subject: 'Only the known fields',
        message: 'Hi',
        attachments: [{ path: '/etc/passwd' }, { href: 'http://127.0.0.1:1/' }],
        bcc: victim,
        headers: { Bcc: victim },
      });
    expect(response.status).toBe(202);
    const [mail] = await delivered(to);
    expect(mail?.Raw.To).toEqual([to]);
    expect(mail?.Raw.Data).not.toContain('root:');
    expect(mail?.Raw.Data).not.toMatch(/Content-Disposition: attachment/i);
    expect(await messagesTo(mailhogApiUrl, victim)).toEqual([]);
  });

  it('delivers a 100 KiB message whole', async () => {
    const to = address('rcpt');
    const message = `${'0123456789abcdef'.repeat(6399)}${'é'.repeat(8)}`;
    expect(Buffer.byteLength(message)).toBe(100 * 1024);
    const response = await request(service.url).post('/send').send({ to, subject: 'Big', message });
    expect(response.status).toBe(202);
    const [mail] = await delivered(to);
    expect(partBody(mail!, 'text/plain')).toBe(message);
    expect(partBody(mail!, 'text/html')).toContain(`>${message}</p>`);
  });

  it('refuses a message over 100 KiB and sends nothing', async () => {
    const to = address('rcpt');
    const response = await request(service.url)
      .post('/send')
      .send({ to, subject: 'Too big', message: 'x'.repeat(100 * 1024 + 1) });
    expect(response.status).toBe(400);
    expect(response.body.message).toBe('message: must be at most 100 KiB');
    const ok = await request(service.url).post('/send').send({ to, subject: 'Fine', message: 'x' });
    expect(ok.status).toBe(202);
    const messages = await delivered(to);
    expect(messages.map((message) => header(message, 'Subject'))).toEqual(['Fine']);
  });

  it('reports the SMTP server in /readyz', async () => {
    const response = await request(service.url).get('/readyz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      error: false,
      message: 'ready',
      data: { checks: { smtp: 'ok' } },
    });
  });
});
