import {
  AppError,
  SpanKind,
  TimeoutError,
  UnavailableError,
  UpstreamError,
  withSpan,
  withTimeout,
} from '@ms/service-kit';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { MailTransport, OutgoingMail, SentMail } from '../domain/mailer';
import { noDelaySocket } from './no-delay-socket';

export interface SmtpSettings {
  host: string;
  port: number;
  encryption: 'none' | 'ssl' | 'tls';
  username?: string;
  password?: string;
  /** Our name in EHLO. */
  clientName: string;
  poolSize: number;
  connectionTimeoutMs: number;
  greetingTimeoutMs: number;
  socketTimeoutMs: number;
  sendTimeoutMs: number;
}

/** Statuses the SMTP server answered with that mean "not now" rather than "no". */
const SERVICE_NOT_AVAILABLE = 421;
/** nodemailer codes for a server that answered, but refused. */
const REFUSED_CODES = new Set(['EAUTH', 'EENVELOPE', 'EMESSAGE', 'EPROTOCOL', 'EREQUIRETLS']);

/**
 * One pooled nodemailer transport per process: connections are reused between mails,
 * and every stage (connect, greeting, each socket read, the whole send) has a deadline.
 */
export class SmtpMailTransport implements MailTransport {
  private readonly transporter: Transporter<SMTPPool.SentMessageInfo>;

  constructor(private readonly settings: SmtpSettings) {
    const options: SMTPPool.Options & { maxRequeues: number } = {
      pool: true,
      host: settings.host,
      port: settings.port,
      secure: settings.encryption === 'ssl',
      requireTLS: settings.encryption === 'tls',
      // "none" means none: no opportunistic STARTTLS either.
      ignoreTLS: settings.encryption === 'none',
      auth:
        settings.username === undefined
          ? undefined
          : { user: settings.username, pass: settings.password },
      name: settings.clientName,
      maxConnections: settings.poolSize,
      maxMessages: 100,
      // A message whose connection closed under it is retried once on a fresh
      // connection (a pooled connection the server dropped while idle), not forever.
      maxRequeues: 1,
      getSocket: noDelaySocket(settings),
      connectionTimeout: settings.connectionTimeoutMs,
      // Counted from the hand-over of a still-connecting socket: see noDelaySocket.
      greetingTimeout: settings.connectionTimeoutMs + settings.greetingTimeoutMs,
      socketTimeout: settings.socketTimeoutMs,
      // Content comes from our templates only; no part may be read from disk or a URL.
      disableFileAccess: true,
      disableUrlAccess: true,
      logger: false,
      debug: false,
    };
    this.transporter = nodemailer.createTransport(options);
  }

  /** One client span per mail (no instrumentation knows nodemailer). */
  send(mail: OutgoingMail): Promise<SentMail> {
    const attributes = { 'server.address': this.settings.host, 'server.port': this.settings.port };
    return withSpan('smtp send', { kind: SpanKind.CLIENT, attributes }, () => this.sendNow(mail));
  }

  private async sendNow(mail: OutgoingMail): Promise<SentMail> {
    let info: SMTPPool.SentMessageInfo;
    try {
      info = await withTimeout(
        () =>
          this.transporter.sendMail({
            from: mail.from,
            replyTo: mail.replyTo,
            to: { name: '', address: mail.to },
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            // Set explicitly so that no header can change who the server delivers to.
            envelope: { from: mail.from.address, to: [mail.to] },
          }),
        this.settings.sendTimeoutMs,
        'mail server',
      );
    } catch (err) {
      throw smtpFailure(err);
    }
    if (info.rejected.length > 0 || info.accepted.length === 0) {
      throw new UpstreamError('mail server rejected the message', { cause: info.response });
    }
    return { messageId: info.messageId };
  }

  /** Opens a connection of its own, greets, logs in if configured, and quits. */
  async verify(): Promise<void> {
    await this.transporter.verify();
  }

  /** Closes idle pooled connections now and busy ones when their message is done. */
  close(): void {
    this.transporter.close();
  }
}

interface NodemailerError {
  code?: unknown;
  responseCode?: unknown;
}

/**
 * Maps a nodemailer failure to the design's statuses: refused 502, unreachable 503,
 * timed out 504. The client-facing message never carries the server's name or reply.
 */
export function smtpFailure(err: unknown): AppError {
  if (err instanceof TimeoutError) return new TimeoutError('mail server timed out', { cause: err });
  if (err instanceof AppError) return err;
  const { code, responseCode } = (err ?? {}) as NodemailerError;
  if (code === 'ETIMEDOUT') return new TimeoutError('mail server timed out', { cause: err });
  if (code === 'EAUTH') {
    return new UpstreamError('mail server rejected the login', { cause: err });
  }
  // No secure channel (TLS failed, or STARTTLS refused while required): unusable, not a refusal.
  if (code === 'ETLS' || responseCode === SERVICE_NOT_AVAILABLE) {
    return new UnavailableError('mail server unavailable', { cause: err });
  }
  if ((typeof code === 'string' && REFUSED_CODES.has(code)) || typeof responseCode === 'number') {
    return new UpstreamError('mail server rejected the message', { cause: err });
  }
  return new UnavailableError('mail server unavailable', { cause: err });
}
