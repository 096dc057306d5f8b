import { z } from 'zod';
import { commonConfigShape, envVar } from '@ms/service-kit';

/** An http(s) URL, kept without a trailing slash so the page can append paths to it. */
const baseUrl = (defaultUrl: string) =>
  envVar
    .url(defaultUrl)
    .refine((value) => /^https?:$/.test(new URL(value).protocol), 'must be an http(s) URL')
    .transform((value) => value.replace(/\/+$/, ''));

export const configSchema = z.object({
  ...commonConfigShape,
  PORT: envVar.port(8000),
  /** Where the page (in the user's browser) sends its requests. */
  BROKER_URL: baseUrl('http://localhost:8080'),
  /** Where the page's "Open MailHog" link points. */
  MAILHOG_URL: baseUrl('http://localhost:8025'),
});

export type FrontEndConfig = z.infer<typeof configSchema>;
