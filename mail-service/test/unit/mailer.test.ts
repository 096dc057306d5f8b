import { MailTemplates } from '../../src/domain/mail-templates';
import { Mailer, type OutgoingMail } from '../../src/domain/mailer';

describe('Mailer', () => {
  const sender = { name: 'John Smith', address: 'john.smith@example.com' };
  let sent: OutgoingMail[];
  let mailer: Mailer;

  beforeEach(async () => {
    sent = [];
    mailer = new Mailer({
      templates: await MailTemplates.load(),
      transport: {
        send: async (mail) => {
          sent.push(mail);
          return { messageId: '<id@example.com>' };
        },
      },
      sender,
    });
  });

  it('sends from the configured sender and makes the client from the Reply-To', async () => {
    const result = await mailer.send({
      from: 'me@example.com',
      to: 'you@example.com',
      subject: 'Hello',
      message: 'Hi <there>',
    });
    expect(result).toEqual({ messageId: '<id@example.com>' });
    expect(sent).toHaveLength(1);
    const [mail] = sent;
    expect(mail?.from).toEqual(sender);
    expect(mail?.replyTo).toBe('me@example.com');
    expect(mail?.to).toBe('you@example.com');
    expect(mail?.subject).toBe('Hello');
    expect(mail?.text).toBe('Hi <there>\n');
    expect(mail?.html).toContain('Hi &lt;there&gt;');
    expect(mail?.html).toContain('Sent by John Smith');
  });

  it('sets no Reply-To when the client gives no from', async () => {
    await mailer.send({ to: 'you@example.com', subject: 'Hello', message: 'Hi' });
    expect(sent[0]?.from).toEqual(sender);
    expect(sent[0]?.replyTo).toBeUndefined();
  });

  it('passes a transport failure on', async () => {
    const failing = new Mailer({
      templates: await MailTemplates.load(),
      transport: { send: () => Promise.reject(new Error('boom')) },
      sender,
    });
    await expect(
      failing.send({ to: 'you@example.com', subject: 'Hello', message: 'Hi' }),
    ).rejects.toThrow('boom');
  });
});
