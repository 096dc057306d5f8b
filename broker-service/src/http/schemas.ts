import { z } from 'zod';
import { typeMessages } from '@ms/service-kit';
import { credentialsFields, logEntrySchema, mailMessageFields } from '@ms/service-kit/contracts';
import { LOG_TRANSPORTS } from '../domain/ports';

const text = (max: number) =>
  z
    .string(typeMessages('must be a string'))
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);

const requiredObject = <T extends z.ZodRawShape>(shape: T) =>
  z.object(shape, typeMessages('must be an object'));

const BODY_MUST_BE_OBJECT = typeMessages(
  'request body must be a JSON object',
  'request body must be a JSON object',
);

export const ACTIONS = ['auth', 'log', 'mail'] as const;

/** Read first, so that an unknown action gets the design's own message. */
export const actionSchema = z.object(
  {
    action: z.string(typeMessages('must be a string')),
  },
  BODY_MUST_BE_OBJECT,
);

const authRequest = z.object({
  action: z.literal('auth'),
  // The authentication service's own fields: refused here as it would refuse them.
  auth: requiredObject(credentialsFields),
});

const logRequest = z.object({
  action: z.literal('log'),
  log: requiredObject(logEntrySchema.shape),
  via: z
    .enum(LOG_TRANSPORTS, { error: `must be one of ${LOG_TRANSPORTS.join(', ')}` })
    .default('rabbitmq'),
});

const mailRequest = z.object({
  action: z.literal('mail'),
  // The mail service's own fields: refused here as it would refuse them.
  mail: requiredObject(mailMessageFields),
});

export const handleRequestSchema = z.discriminatedUnion('action', [
  authRequest,
  logRequest,
  mailRequest,
]);
export type HandleRequest = z.infer<typeof handleRequestSchema>;

/** POST /log-grpc: the entry alone (any `action` field is ignored). */
export const logGrpcRequestSchema = z.object(
  { log: requiredObject(logEntrySchema.shape) },
  BODY_MUST_BE_OBJECT,
);

export const LOG_LIST_MAX = 500;

/** GET /logs/search: checked here too, so a bad query is a 400 naming the field before any call. */
export const logSearchQuerySchema = z.object({
  name: text(256).optional(),
  q: text(200).optional(),
  from: text(64).optional(),
  to: text(64).optional(),
  limit: z.coerce
    .number(typeMessages('must be a number'))
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(200, 'must be at most 200')
    .optional(),
  cursor: text(64).optional(),
});

export const logIdSchema = z.object({
  id: z.string().regex(/^[0-9a-fA-F]{24}$/, 'must be a 24-character hexadecimal id'),
});

export const logsQuerySchema = z.object({
  limit: z.coerce
    .number(typeMessages('must be a number'))
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(LOG_LIST_MAX, `must be at most ${LOG_LIST_MAX}`)
    .optional(),
  name: text(256).optional(),
});
