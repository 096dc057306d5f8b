import { createHash, randomBytes } from 'node:crypto';

/**
 * How entries are laid out so that newest-first reads stay cheap on FerretDB 1.x, which
 * pushes only equality filters down to Postgres and sorts everything else in memory.
 *
 * Each logger process (an "incarnation") writes its entries in sequence into small
 * buckets of BUCKET_ENTRIES entries, and, per name, into name buckets of the same size.
 * An entry carries equality keys in one array field, `keys`:
 *   - `b.<inc>.<k>` and `b.<inc>.<k+1>`: its bucket k and the next one, so that one
 *     equality query `{keys: b.<inc>.<k>}` returns buckets k-1 and k together (the
 *     newest, partly filled bucket plus the full one before it);
 *   - `n.<inc>.<j>.<hash>` and `n.<inc>.<j+1>.<hash>`: the same for its name bucket j;
 *   - `g.<inc>.<m>`: its group of GROUP_BUCKETS buckets, the unit retention deletes.
 * A head per stream (global, or one name) records where the stream is and its newest
 * entry, so a reader starts at the newest bucket without scanning.
 */
export const BUCKET_ENTRIES = 100;
export const GROUP_BUCKETS = 100;
/** Names one process gives their own stream; later names are found through the global stream. */
export const MAX_NAME_STREAMS = 10_000;

export const STREAMS_COLLECTION = 'log_streams';
export const GROUPS_COLLECTION = 'log_groups';

export const GLOBAL_SCOPE = '*';
export const nameScope = (name: string): string => `n|${name}`;

/** Sortable by start time, unique per process: base36 milliseconds plus 3 random bytes. */
export function newIncarnationId(now = Date.now()): string {
  return `${now.toString(36)}${randomBytes(3).toString('hex')}`;
}

const seq = (n: number) => n.toString(36);

/** 12 hex characters of the name's SHA-256: keys stay short whatever the name's length. */
export function nameHash(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 12);
}

export const bucketKey = (inc: string, k: number): string => `b.${inc}.${seq(k)}`;
export const groupKey = (inc: string, m: number): string => `g.${inc}.${seq(m)}`;
export const nameBucketKey = (inc: string, j: number, hash: string): string =>
  `n.${inc}.${seq(j)}.${hash}`;

/** Bucket and group sizes of one process's streams (smaller in tests). */
export interface LayoutSizes {
  bucketEntries: number;
  groupBuckets: number;
}
export const DEFAULT_SIZES: LayoutSizes = {
  bucketEntries: BUCKET_ENTRIES,
  groupBuckets: GROUP_BUCKETS,
};

export const globalHeadId = (inc: string): string => `${GLOBAL_SCOPE}|${inc}`;
export const nameHeadId = (inc: string, name: string): string => `n|${inc}|${name}`;

/** Where one stream stands, as stored in `log_streams`. */
export interface StreamHead {
  _id: string;
  /** `*` for the global stream, `n|<name>` for a name's stream. */
  scope: string;
  inc: string;
  /** The bucket being filled (global bucket k, or name bucket j). */
  seq: number;
  newest: Date;
  oldest: Date;
  /** Global heads only: the group being filled. */
  group?: number;
  /** Global heads only: lowest bucket not yet removed by retention. */
  floor?: number;
  /** Global heads only: this process stopped giving new names their own stream. */
  untracked_names?: boolean;
}

/** A group of buckets of one incarnation, as stored in `log_groups`: what retention removes. */
export interface GroupRecord {
  _id: string;
  inc: string;
  index: number;
  /** The highest bucket in the group so far: after removing it, readers start above. */
  last_bucket: number;
  count: number;
  newest: Date;
  oldest: Date;
}
