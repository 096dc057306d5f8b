import { z } from 'zod';
import { commonConfigShape, envVar, setTogether } from '@ms/service-kit';

/** Optional secret: unset (or empty, see parseConfig) means "no SMTP authentication". */
const optionalString = z.string().min(1).optional();

export const configSchema = z
  .object({
    ...commonConfigShape,
    PORT: envVar.port(8083),
    MAIL_HOST: envVar.string('127.0.0.1'),
    MAIL_PORT: envVar.port(1025),
    /** none: plain SMTP; ssl: TLS from the first byte (SMTPS, 465); tls: STARTTLS required (587). */
    MAIL_ENCRYPTION: z.enum(['none', 'ssl', 'tls']).default('none'),
    MAIL_USERNAME: optionalString,
    MAIL_PASSWORD: optionalString,
    /** The name this service gives itself in EHLO. */
    MAIL_DOMAIN: envVar.string('localhost'),
    FROM_NAME: envVar.string('John Smith'),
    FROM_ADDRESS: z.string().email().default('john.smith@example.com'),
    MAIL_POOL_SIZE: envVar.positiveInt(10),
    MAIL_CONNECTION_TIMEOUT_MS: envVar.milliseconds(3000),
    MAIL_GREETING_TIMEOUT_MS: envVar.milliseconds(3000),
    MAIL_SOCKET_TIMEOUT_MS: envVar.milliseconds(30_000),
    /** Deadline for one whole send (waiting for a pooled connection included). */
    MAIL_SEND_TIMEOUT_MS: envVar.milliseconds(10_000),
  })
  .refine(
    ...setTogether(
      'MAIL_USERNAME',
      'MAIL_PASSWORD',
      'MAIL_USERNAME and MAIL_PASSWORD are set together or not at all',
    ),
  );

export type Config = z.infer<typeof configSchema>;
