import { z } from 'zod';
import { typeMessages } from '@ms/service-kit';
import { LOG_NAME_MAX_LENGTH } from '@ms/service-kit/contracts';

/** Query-string fields given empty (`?name=`) count as not given. */
export const blankToUndefined = (value: unknown) => (value === '' ? undefined : value);

/** `limit`: a whole number from 1 to `max`, `defaultValue` when not given. */
export const pageLimitField = (max: number, defaultValue: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number(typeMessages('must be a number'))
      .int('must be an integer')
      .min(1, `must be between 1 and ${max}`)
      .max(max, `must be between 1 and ${max}`)
      .default(defaultValue),
  );

/** `name`: an entry name to match exactly (trimmed), at most the contract's length. */
export const nameFilterField = z.preprocess(
  blankToUndefined,
  z
    .string(typeMessages('must be a string'))
    .trim()
    .max(LOG_NAME_MAX_LENGTH, `must be at most ${LOG_NAME_MAX_LENGTH} characters`)
    .optional(),
);
