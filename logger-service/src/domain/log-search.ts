import { z } from 'zod';
import { ValidationError, parseInput, typeMessages } from '@ms/service-kit';
import type { StoredLogEntry } from '@ms/service-kit/contracts';
import type { LogDocument, LogSearchFilter, LogSearchPage } from './log-store';
import { blankToUndefined, nameFilterField, pageLimitField } from './query-fields';

export interface SearchSettings {
  /** Longest a search keeps querying before it answers what it has (LOG_SEARCH_DEADLINE_MS). */
  deadlineMs: number;
  /** Window queries one search makes at most (LOG_SEARCH_MAX_WINDOWS); a window is up to 200 entries. */
  maxWindows: number;
  /** A text search without `from` looks this far back from `to` (or now) (LOG_SEARCH_TEXT_RANGE_HOURS). */
  textRangeHours: number;
}

export const SEARCH_DEFAULTS: SearchSettings = {
  deadlineMs: 1500,
  maxWindows: 400,
  textRangeHours: 24,
};

export const SEARCH_LIMIT_DEFAULT = 50;
export const SEARCH_LIMIT_MAX = 200;
export const SEARCH_TEXT_MAX_LENGTH = 200;

const optionalDate = z.preprocess(
  blankToUndefined,
  z
    .string(typeMessages('must be a date'))
    .refine((text) => !Number.isNaN(Date.parse(text)), 'must be an ISO 8601 date')
    .optional(),
);

const searchQuerySchema = z.object({
  limit: pageLimitField(SEARCH_LIMIT_MAX, SEARCH_LIMIT_DEFAULT),
  name: nameFilterField,
  q: z.preprocess(
    blankToUndefined,
    z
      .string(typeMessages('must be a string'))
      .max(SEARCH_TEXT_MAX_LENGTH, `must be at most ${SEARCH_TEXT_MAX_LENGTH} characters`)
      .optional(),
  ),
  from: optionalDate,
  to: optionalDate,
  cursor: z.preprocess(
    blankToUndefined,
    z
      .string(typeMessages('must be a string'))
      .regex(/^[0-9a-z]{1,12}\.[0-9a-f]{24}$/, 'is not a cursor of this search')
      .optional(),
  ),
});

/** A cursor: base-36 milliseconds and the id of the last entry of the page before. */
export function encodeCursor(position: { at: Date; id: string }): string {
  return `${position.at.getTime().toString(36)}.${position.id}`;
}

export function decodeCursor(cursor: string): { at: Date; id: string } {
  const [time, id] = cursor.split('.') as [string, string];
  return { at: new Date(parseInt(time, 36)), id };
}

export interface ParsedSearch {
  filter: Omit<LogSearchFilter, 'deadline' | 'maxWindows'>;
  from: Date | undefined;
  to: Date | undefined;
}

export function parseSearchQuery(
  query: unknown,
  settings: SearchSettings,
  now: Date,
): ParsedSearch {
  const input = parseInput(searchQuerySchema, query);
  const to = input.to === undefined ? undefined : new Date(input.to);
  let from = input.from === undefined ? undefined : new Date(input.from);
  if (from && to && from.getTime() > to.getTime()) {
    throw new ValidationError('from: must not be after to');
  }
  // Text is matched in memory: a text search without a start looks back a bounded time.
  if (input.q !== undefined && from === undefined) {
    from = new Date((to ?? now).getTime() - settings.textRangeHours * 3_600_000);
  }
  const positions = [
    input.cursor === undefined ? undefined : decodeCursor(input.cursor),
    // `to` includes its whole millisecond: before the last possible id of it.
    to === undefined ? undefined : { at: to, id: 'f'.repeat(24) },
  ].filter((position) => position !== undefined);
  const before = positions.sort((a, b) => a.at.getTime() - b.at.getTime())[0];
  return {
    filter: {
      limit: input.limit,
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.q === undefined ? {} : { q: input.q }),
      ...(from === undefined ? {} : { from }),
      ...(before === undefined ? {} : { before }),
    },
    from,
    to,
  };
}

/** What GET /logs/search answers in `data`. */
export interface SearchPage {
  entries: StoredLogEntry[];
  /** Pass as `cursor` (with the same name, q, from, to) for the next page; null: nothing older matches. */
  next_cursor: string | null;
  /** False when the search stopped at its deadline or query budget before a full page. */
  complete: boolean;
  stopped_by?: 'deadline' | 'window_limit';
  /** The range searched (from is set by default for a text search). */
  from: string | null;
  to: string | null;
}

export function toSearchPage(
  page: LogSearchPage,
  parsed: ParsedSearch,
  toStored: (document: LogDocument) => StoredLogEntry,
): SearchPage {
  return {
    entries: page.entries.map(toStored),
    next_cursor: page.next ? encodeCursor(page.next) : null,
    complete: page.stoppedBy === undefined,
    ...(page.stoppedBy ? { stopped_by: page.stoppedBy } : {}),
    from: parsed.from?.toISOString() ?? null,
    to: parsed.to?.toISOString() ?? null,
  };
}
