import type { LogDocument } from '../domain/log-store';
import type { StreamHead } from './log-layout';
import { type Stream, compareNewestFirst, streamsFor } from './newest-first-reader';

/** A place in newest-first order: entries "before" it are older (created_at, then id). */
export interface SearchPosition {
  at: Date;
  id: string;
}

export interface SearchSource {
  heads(scope: string): Promise<StreamHead[]>;
  /** Every entry carrying `key` (and this name, if given), newest first: one equality query. */
  windowAll(key: string, name: string | undefined): Promise<LogDocument[]>;
}

export interface SearchFilter {
  limit: number;
  name?: string;
  /** Case-insensitive text looked for in `data`. */
  q?: string;
  /** Oldest created_at answered (inclusive). */
  from?: Date;
  /** Only entries older than this (a cursor, or `to` as the newest position of its millisecond). */
  before?: SearchPosition;
}

export interface SearchBudget {
  /** Epoch milliseconds past which no further query starts. */
  deadline: number;
  /** Window queries at most (binary-search probes included). */
  maxWindows: number;
  now?: () => number;
}

export interface SearchResult {
  /** Newest first, at most `limit`. */
  entries: LogDocument[];
  /** Where the next page starts (exclusive); undefined when nothing older can match. */
  next: SearchPosition | undefined;
  /** Why the search stopped before it was sure of a full page: the next page continues. */
  stoppedBy: 'deadline' | 'window_limit' | undefined;
  windows: number;
}

/** Consecutive empty windows after which a stream counts as ended (as in newest-first reads). */
const EMPTY_WINDOWS_TO_STOP = 2;
const LAST_ID = 'f'.repeat(24);

interface StreamState {
  stream: Stream;
  /** The next window to read (windows step by 2: window s holds buckets s-1 and s). */
  seq: number;
  /** Every entry of this stream not read yet comes after this position. */
  frontier: SearchPosition;
  empty: number;
  done: boolean;
}

const asDoc = (position: SearchPosition) =>
  ({ created_at: position.at, id: position.id }) as LogDocument;
/** Negative when a is newer than b. */
const compare = (a: SearchPosition, b: SearchPosition) => compareNewestFirst(asDoc(a), asDoc(b));
const positionOf = (entry: LogDocument): SearchPosition => ({ at: entry.created_at, id: entry.id });

/**
 * A page of entries newest first, filtered by name, time range and text, over the bucket
 * layout: every query is one equality query on a window key (what FerretDB pushes down);
 * ranges, text and order are applied in memory to windows of at most two buckets. The
 * streams of every process are merged by always reading the stream whose unread entries
 * may be the newest, so an entry is answered only when nothing newer can still turn up.
 * A start below a stream's head (a cursor, `to`) is found by binary search over its
 * buckets. Past the deadline or the window budget it stops and says where to go on.
 */
export async function searchNewestFirst(
  source: SearchSource,
  filter: SearchFilter,
  budget: SearchBudget,
): Promise<SearchResult> {
  const now = budget.now ?? Date.now;
  const upper = filter.before;
  const text = filter.q?.toLowerCase();
  let windows = 0;
  const overBudget = (): SearchResult['stoppedBy'] =>
    windows >= budget.maxWindows
      ? 'window_limit'
      : now() >= budget.deadline
        ? 'deadline'
        : undefined;

  const matches = (entry: LogDocument) =>
    (upper === undefined || compare(positionOf(entry), upper) > 0) &&
    (filter.from === undefined || entry.created_at.getTime() >= filter.from.getTime()) &&
    (filter.name === undefined || entry.name === filter.name) &&
    (text === undefined || entry.data.toLowerCase().includes(text));

  const read = async (state: StreamState, seq: number) => {
    windows += 1;
    return source.windowAll(state.stream.keyAt(seq), state.stream.name);
  };

  const states: StreamState[] = [];
  for (const stream of await streamsFor(source, filter.name)) {
    const { head } = stream;
    if (filter.from && head.newest.getTime() < filter.from.getTime()) continue;
    if (upper && head.oldest.getTime() > upper.at.getTime()) continue;
    const newest: SearchPosition = { at: head.newest, id: LAST_ID };
    const frontier = upper && compare(upper, newest) > 0 ? upper : newest;
    states.push({ stream, seq: head.seq, frontier, empty: 0, done: false });
  }

  const candidates: LogDocument[] = [];
  const stoppedEarly = (stoppedBy: 'deadline' | 'window_limit', frontier: SearchPosition) => {
    const final = candidates.filter((entry) => compare(positionOf(entry), frontier) <= 0);
    final.sort(compareNewestFirst);
    const entries = final.slice(0, filter.limit);
    const next = final.length > filter.limit ? positionOf(entries[entries.length - 1]!) : frontier;
    return { entries, next, stoppedBy, windows };
  };

  // Where a stream starts when the page starts below its head: the highest window whose
  // oldest entry is older than `upper` (an empty window counts as such: safe, only slower).
  for (const state of states) {
    if (!upper || state.stream.head.newest.getTime() <= upper.at.getTime()) continue;
    let low = state.stream.floor;
    let high = state.stream.head.seq;
    while (low < high) {
      const stopped = overBudget();
      if (stopped) return stoppedEarly(stopped, upper);
      const middle = Math.ceil((low + high) / 2);
      const rows = await read(state, middle);
      const oldest = rows[rows.length - 1];
      if (!oldest || compare(positionOf(oldest), upper) > 0) low = middle;
      else high = middle - 1;
    }
    state.seq = low;
  }

  for (;;) {
    const active = states.filter((state) => !state.done);
    if (active.length === 0) {
      candidates.sort(compareNewestFirst);
      const entries = candidates.slice(0, filter.limit);
      const full = candidates.length > filter.limit;
      return {
        entries,
        next: full ? positionOf(entries[entries.length - 1]!) : undefined,
        stoppedBy: undefined,
        windows,
      };
    }
    active.sort((a, b) => compare(a.frontier, b.frontier));
    const state = active[0]!;
    // Entries at or before the newest frontier cannot be overtaken by anything unread.
    const final = candidates.filter((entry) => compare(positionOf(entry), state.frontier) <= 0);
    if (final.length >= filter.limit) {
      final.sort(compareNewestFirst);
      const entries = final.slice(0, filter.limit);
      return {
        entries,
        next: positionOf(entries[entries.length - 1]!),
        stoppedBy: undefined,
        windows,
      };
    }
    const stopped = overBudget();
    if (stopped) return stoppedEarly(stopped, state.frontier);

    const rows = await read(state, state.seq);
    state.seq -= 2;
    if (state.seq < state.stream.floor) state.done = true;
    if (rows.length === 0) {
      if (++state.empty >= EMPTY_WINDOWS_TO_STOP) state.done = true;
      continue;
    }
    state.empty = 0;
    for (const entry of rows) if (matches(entry)) candidates.push(entry);
    const oldest = rows[rows.length - 1]!;
    // Older windows hold only entries older than this one's oldest.
    if (compare(positionOf(oldest), state.frontier) > 0) state.frontier = positionOf(oldest);
    if (filter.from && oldest.created_at.getTime() < filter.from.getTime()) state.done = true;
  }
}
