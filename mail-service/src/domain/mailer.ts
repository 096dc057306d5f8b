import type { MailMessage } from '@ms/service-kit/contracts';
import type { MailTemplates } from './mail-templates';

export interface Mailbox {
  name: string;
  address: string;
}

/** A message ready for the wire: every header-bound value already validated. */
export interface OutgoingMail {
  from: Mailbox;
  replyTo?: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface SentMail {
  messageId: string;
}

export interface MailTransport {
  /** Resolves only once the server accepted the message for its recipient. */
  send(mail: OutgoingMail): Promise<SentMail>;
}

export interface MailerDeps {
  templates: Pick<MailTemplates, 'render'>;
  transport: MailTransport;
  /** The configured sender: always the From header and the envelope sender. */
  sender: Mailbox;
}

/**
 * Turns a client's request into a mail. The sender is never the client's: a client
 * `from` only becomes Reply-To, so this service cannot be used to spoof senders.
 */
export class Mailer {
  constructor(private readonly deps: MailerDeps) {}

  send(request: MailMessage): Promise<SentMail> {
    const { templates, transport, sender } = this.deps;
    const { html, text } = templates.render({
      subject: request.subject,
      message: request.message,
      fromName: sender.name,
    });
    return transport.send({
      from: sender,
      replyTo: request.from,
      to: request.to,
      subject: request.subject,
      text,
      html,
    });
  }
}
