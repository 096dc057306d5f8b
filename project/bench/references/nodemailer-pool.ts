import { connect } from 'node:net';
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { type ClosedLoad, closedLoop } from '../load/closed-loop';
import type { LoadResult } from '../load/load-result';

/** About the size of the mail service's rendered template (1.5 KB of HTML with inline CSS). */
const HTML = `<!doctype html><html><body>${'<p style="margin:0 0 1em;font-family:sans-serif">hello</p>'.repeat(25)}</body></html>`;

export interface NodemailerPoolOptions extends ClosedLoad {
  host: string;
  port: number;
  poolSize: number;
  to: string;
}

/**
 * A bare pooled nodemailer transport (no templates, no HTTP): `callers` concurrent sends.
 * Its sockets have Nagle's algorithm off: with it on, nodemailer's last small write of
 * each message waits for the server's delayed ACK (~40 ms on Linux), and the reference
 * would measure that wait (about 5 pooled connections / 44 ms) instead of nodemailer.
 */
export async function measureNodemailerPool(options: NodemailerPoolOptions): Promise<LoadResult> {
  const poolOptions: SMTPPool.Options = {
    pool: true,
    host: options.host,
    port: options.port,
    secure: false,
    ignoreTLS: true,
    maxConnections: options.poolSize,
    connectionTimeout: 5000,
    greetingTimeout: 5000,
    socketTimeout: 30_000,
    getSocket: (_options, callback) => {
      const socket = connect({ host: options.host, port: options.port, noDelay: true });
      const timer = setTimeout(() => socket.destroy(new Error('SMTP connect timed out')), 5000);
      socket.once('connect', () => clearTimeout(timer));
      socket.once('close', () => clearTimeout(timer));
      callback(null, { connection: socket });
    },
  };
  const transport = nodemailer.createTransport(poolOptions);
  try {
    return await closedLoop(options, async () => {
      const info = await transport.sendMail({
        from: 'a@example.com',
        to: options.to,
        subject: 'bench reference',
        text: 'hello',
        html: HTML,
      });
      if (info.accepted.length === 0) throw new Error('not accepted');
    });
  } finally {
    transport.close();
  }
}
