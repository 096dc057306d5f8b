import { type Server, type Socket, createServer } from 'node:net';
import { ManagedProcess, freePort, infra, requireDependency, uniqueName } from '@ms/testing';
import request from 'supertest';
import { allMessages } from '../support/mailhog';
import { type TestMailService, startMailService } from '../support/mail-service';

const mail = () => ({
  to: `${uniqueName('rcpt')}@example.com`,
  subject: 'Hello',
  message: 'Hi',
});

describe('mail-service when the SMTP server refuses the message', () => {
  let mailhog: ManagedProcess;
  let apiUrl: string;
  let service: TestMailService;

  beforeAll(async () => {
    const [smtpPort, apiPort] = [await freePort(), await freePort()];
    apiUrl = `http://127.0.0.1:${apiPort}`;
    // MailHog's "Jim" chaos monkey, tuned to do one thing every time: refuse MAIL FROM.
    // Not RCPT TO: nodemailer 10 pipelines MAIL, RCPT and DATA, and MailHog answers DATA
    // with 354 even when it refused every recipient, then never answers the empty message
    // nodemailer ends it with (a real server refuses such a DATA with 554), so the send
    // would time out instead of being refused.
    mailhog = new ManagedProcess(
      'mailhog (rejecting recipients)',
      infra().mailhogBin,
      [
        `-smtp-bind-addr=127.0.0.1:${smtpPort}`,
        `-api-bind-addr=127.0.0.1:${apiPort}`,
        `-ui-bind-addr=127.0.0.1:${apiPort}`,
        '-invite-jim',
        '-jim-accept=1',
        '-jim-disconnect=0',
        '-jim-linkspeed-affect=0',
        '-jim-reject-auth=0',
        '-jim-reject-sender=1',
        '-jim-reject-recipient=0',
      ],
      smtpPort,
    );
    await requireDependency('MailHog binary', 'MAILHOG_BIN', () => mailhog.start());
    service = await startMailService({ MAIL_HOST: '127.0.0.1', MAIL_PORT: String(smtpPort) });
  });

  afterAll(async () => {
    await service?.stop();
    await mailhog?.stop();
  });

  it('answers 502 and nothing is stored', async () => {
    const response = await request(service.url).post('/send').send(mail());
    expect(response.status).toBe(502);
    expect(response.body).toEqual({ error: true, message: 'mail server rejected the message' });
    expect(await allMessages(apiUrl)).toEqual([]);
  });

  it('keeps answering after a refusal: the pool is not left broken', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await request(service.url).post('/send').send(mail())).status).toBe(502);
    }
  });
});

describe('mail-service when the SMTP server never answers', () => {
  let silent: Server;
  const sockets = new Set<Socket>();
  let service: TestMailService;

  beforeAll(async () => {
    // Accepts the TCP connection and then says nothing: a hung server, not a refused one.
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    if (typeof address !== 'object' || !address) throw new Error('no address');
    service = await startMailService({
      MAIL_HOST: '127.0.0.1',
      MAIL_PORT: String(address.port),
      MAIL_CONNECTION_TIMEOUT_MS: '1000',
      MAIL_GREETING_TIMEOUT_MS: '1000',
    });
  });

  afterAll(async () => {
    await service?.stop();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent?.close(resolve));
  });

  it('answers 504 within 5 s', async () => {
    const started = Date.now();
    const response = await request(service.url).post('/send').send(mail());
    expect(Date.now() - started).toBeLessThan(5000);
    expect(response.status).toBe(504);
    expect(response.body).toEqual({ error: true, message: 'mail server timed out' });
  });

  it('reports not ready', async () => {
    const response = await request(service.url).get('/readyz');
    expect(response.status).toBe(503);
    expect(response.body.data).toEqual({ checks: { smtp: 'failing' } });
  });
});
