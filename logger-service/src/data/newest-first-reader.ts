import type { LogDocument } from '../domain/log-store';
import {
  GLOBAL_SCOPE,
  type StreamHead,
  bucketKey,
  nameBucketKey,
  nameHash,
  nameScope,
} from './log-layout';

/** Window queries one read makes at most; a read that needs more returns what it found. */
export const MAX_WINDOW_QUERIES = 12;
/** Consecutive empty windows after which a stream counts as ended (its old part removed). */
const EMPTY_WINDOWS_TO_STOP = 2;

export interface WindowSource {
  /** The heads of every process's stream for a scope (`*` or `n|<name>`). */
  heads(scope: string): Promise<StreamHead[]>;
  /** Entries carrying `key` (and this name, if given), newest first, at most `limit`. */
  window(key: string, name: string | undefined, limit: number): Promise<LogDocument[]>;
  /**
   * The newest `limit` entries of a stream when known without a query (this process's
   * own streams), else undefined. `floor` is the global floor of the stream's process.
   */
  cached?(
    inc: string,
    name: string | undefined,
    limit: number,
    floor: number,
  ): LogDocument[] | undefined;
}

export interface NewestFirstResult {
  entries: LogDocument[];
  /** False when the query budget ran out before the answer was certain. */
  complete: boolean;
  queries: number;
}

interface Stream {
  head: StreamHead;
  keyAt(seq: number): string;
  name: string | undefined;
  floor: number;
  /** The global floor of the stream's process, and whether its cache may answer for it. */
  globalFloor: number;
  cacheable: boolean;
}

/**
 * The newest `limit` entries (optionally of one name), newest first by created_at then
 * _id, read window by window from the newest bucket of each process's stream. Streams
 * are visited by their newest entry; one whose newest entry is older than the last of
 * a full answer is skipped, and a stream is left as soon as its next windows can only
 * hold older entries. Within a stream, order by bucket is order by time (see
 * StreamSequencer), so this is exact whenever `complete` is true.
 */
export async function readNewestFirst(
  source: WindowSource,
  { limit, name }: { limit: number; name?: string },
  maxQueries = MAX_WINDOW_QUERIES,
): Promise<NewestFirstResult> {
  const streams = await streamsFor(source, name);
  streams.sort((a, b) => b.head.newest.getTime() - a.head.newest.getTime());

  let entries: LogDocument[] = [];
  let queries = 0;
  const full = () => entries.length >= limit;
  const last = () => entries[entries.length - 1]!;

  for (const stream of streams) {
    if (full() && stream.head.newest.getTime() < last().created_at.getTime()) break;
    const cached = stream.cacheable
      ? source.cached?.(stream.head.inc, stream.name, limit, stream.globalFloor)
      : undefined;
    if (cached) {
      entries = mergeNewest(entries, cached, limit);
      continue;
    }
    let fromStream = 0;
    let empty = 0;
    for (let seq = stream.head.seq; seq >= stream.floor; seq -= 2) {
      if (queries >= maxQueries) return { entries, complete: false, queries };
      const rows = await source.window(stream.keyAt(seq), stream.name, limit);
      queries += 1;
      entries = mergeNewest(entries, rows, limit);
      fromStream += rows.length;
      if (fromStream >= limit) break;
      if (rows.length === 0) {
        if (++empty >= EMPTY_WINDOWS_TO_STOP) break;
        continue;
      }
      empty = 0;
      // Older windows hold only entries older than this window's oldest one.
      if (full() && compareNewestFirst(rows[rows.length - 1]!, last()) >= 0) break;
    }
  }
  return { entries, complete: true, queries };
}

async function streamsFor(source: WindowSource, name: string | undefined): Promise<Stream[]> {
  const globalHeads = await source.heads(GLOBAL_SCOPE);
  const globalStream = (head: StreamHead, filter: string | undefined): Stream => ({
    head,
    keyAt: (seq) => bucketKey(head.inc, seq),
    name: filter,
    floor: head.floor ?? 0,
    globalFloor: head.floor ?? 0,
    // Filtering the global stream by name is the fallback for untracked names: no cache.
    cacheable: filter === undefined,
  });
  if (name === undefined) return globalHeads.map((head) => globalStream(head, undefined));

  const floors = new Map(globalHeads.map((head) => [head.inc, head.floor ?? 0]));
  const hash = nameHash(name);
  const nameStreams = (await source.heads(nameScope(name))).map((head): Stream => ({
    head,
    keyAt: (seq) => nameBucketKey(head.inc, seq, hash),
    // The hash is short: the name itself makes the match exact.
    name,
    floor: 0,
    globalFloor: floors.get(head.inc) ?? 0,
    cacheable: true,
  }));
  // A process that ran out of name streams kept later names only in its global stream.
  const untracked = globalHeads
    .filter((head) => head.untracked_names)
    .map((head) => globalStream(head, name));
  return [...nameStreams, ...untracked];
}

/** Negative when a comes first (is newer): created_at descending, then id descending. */
export function compareNewestFirst(a: LogDocument, b: LogDocument): number {
  const byTime = b.created_at.getTime() - a.created_at.getTime();
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function mergeNewest(a: LogDocument[], b: LogDocument[], limit: number): LogDocument[] {
  if (b.length === 0) return a;
  const seen = new Set(a.map((entry) => entry.id));
  const merged = [...a, ...b.filter((entry) => !seen.has(entry.id))];
  return merged.sort(compareNewestFirst).slice(0, limit);
}
