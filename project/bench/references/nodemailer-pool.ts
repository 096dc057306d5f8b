import nodemailer from 'nodemailer';
import { closedLoop } from '../load/closed-loop';
import type { LoadResult } from '../load/load-result';

export interface NodemailerPoolOptions {
  host: string;
  port: number;
  poolSize: number;
  callers: number;
  durationS: number;
  to: string;
  signal?: AbortSignal;
}

/** A bare pooled nodemailer transport (no templates, no HTTP): `callers` concurrent sends. */
export async function measureNodemailerPool(options: NodemailerPoolOptions): Promise<LoadResult> {
  const transport = nodemailer.createTransport({
    pool: true,
    host: options.host,
    port: options.port,
    secure: false,
    ignoreTLS: true,
    maxConnections: options.poolSize,
    connectionTimeout: 5000,
    greetingTimeout: 5000,
    socketTimeout: 30_000,
  });
  try {
    return await closedLoop({
      callers: options.callers,
      durationS: options.durationS,
      signal: options.signal,
      call: async () => {
        const info = await transport.sendMail({
          from: 'a@example.com',
          to: options.to,
          subject: 'bench reference',
          text: 'hello',
          html: '<p>hello</p>',
        });
        if (info.accepted.length === 0) throw new Error('not accepted');
      },
    });
  } finally {
    transport.close();
  }
}
