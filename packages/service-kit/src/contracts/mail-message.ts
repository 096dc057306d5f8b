// The mail service's POST /send payload, which the broker's `mail` action forwards: one
// schema for both, so the broker refuses what the mail service would refuse, with the same
// message, one hop earlier.
import { z } from 'zod';
import { typeMessages } from '../validation';

export const MAX_SUBJECT_LENGTH = 255;
export const MAX_MESSAGE_BYTES = 100 * 1024;

const LINE_BREAK = /[\r\n]/;

/** Other C0 controls and DEL have no business in a one-line header either; tab is fine. */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}

const requiredString = typeMessages('must be a string');

/** Text that ends up in a mail header: a CR or LF there would let a client add headers. */
const headerText = z
  .string(requiredString)
  .refine((value) => !LINE_BREAK.test(value), 'must not contain line breaks (CR or LF)')
  .refine((value) => !hasControlCharacter(value), 'must not contain control characters');

/** Exactly one bare address: no display name, no list, so a field names one mailbox. */
const emailAddress = headerText.pipe(
  z
    .string()
    .trim()
    .max(254, 'must be at most 254 characters')
    .pipe(z.email('must be one valid email address')),
);

export const mailMessageFields = {
  // Forms send "" or null for an empty optional field: that means "not given".
  from: z.preprocess(
    (value) => (value === '' || value === null ? undefined : value),
    emailAddress.optional(),
  ),
  to: emailAddress,
  subject: headerText.pipe(
    z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(MAX_SUBJECT_LENGTH, `must be at most ${MAX_SUBJECT_LENGTH} characters`),
  ),
  message: z
    .string(requiredString)
    .min(1, 'must not be empty')
    .refine(
      (value) => Buffer.byteLength(value, 'utf8') <= MAX_MESSAGE_BYTES,
      `must be at most ${MAX_MESSAGE_BYTES / 1024} KiB`,
    ),
};

export const mailMessageSchema = z.object(
  mailMessageFields,
  typeMessages('request body must be a JSON object', 'request body must be a JSON object'),
);

/** What a client may ask for; any other field (attachments, headers, ...) is dropped. */
export type MailMessage = z.infer<typeof mailMessageSchema>;
