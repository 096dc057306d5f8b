import { ObjectId } from 'mongodb';
import type { NewLogDocument } from '../domain/log-store';
import {
  DEFAULT_SIZES,
  GLOBAL_SCOPE,
  type GroupRecord,
  MAX_NAME_STREAMS,
  type StreamHead,
  bucketKey,
  globalHeadId,
  type LayoutSizes,
  groupKey,
  nameBucketKey,
  nameHash,
  nameHeadId,
  nameScope,
} from './log-layout';

/** An entry ready for the `logs` collection: its id, keys and (monotonic) timestamps assigned. */
export interface SequencedDocument extends NewLogDocument {
  _id: ObjectId;
  keys: string[];
}

/** Where an entry went: its place in the global stream and, if it has one, in its name's. */
export interface PlacedDocument {
  document: SequencedDocument;
  /** 0, 1, 2, ... in this process's global stream. */
  position: number;
  /** 0, 1, 2, ... in this process's stream of the entry's name; undefined without one. */
  namePosition: number | undefined;
  /** Its bucket in the global stream. */
  bucket: number;
}

interface StreamState {
  seq: number;
  /** Entries in the bucket `seq`. */
  filled: number;
  newest: Date;
  oldest: Date;
}

interface NameStreamState extends StreamState {
  hash: string;
  /** Entries placed in this name's stream so far. */
  placed: number;
}

type GroupState = Omit<GroupRecord, '_id' | 'inc' | 'index'>;

/** What changed since the last call: `$set` documents for heads and groups, by id. */
export interface MetadataChanges {
  heads: Map<string, Omit<StreamHead, '_id' | 'floor'>>;
  groups: Map<string, Omit<GroupRecord, '_id'>>;
}

/**
 * Gives the entries of one process their place in its streams (see log-layout.ts), in
 * the order they are handed over, and remembers where each stream stands. Synchronous,
 * so concurrent flushes never interleave inside one assignment. Within a process,
 * created_at never goes backwards and _ids grow, so bucket order is newest-first order.
 */
export class StreamSequencer {
  private globalState: StreamState | undefined;
  private readonly names = new Map<string, NameStreamState>();
  private readonly groups = new Map<number, GroupState>();
  private untrackedNames = false;
  private lastCreatedAt = 0;
  /** Entries placed in the global stream so far. */
  private placed = 0;
  private readonly dirtyNames = new Set<string>();
  private readonly dirtyGroups = new Set<number>();
  private globalDirty = false;

  constructor(
    readonly inc: string,
    private readonly sizes: LayoutSizes = DEFAULT_SIZES,
  ) {}

  /** Entries placed in the global stream so far (the next position). */
  get placedCount(): number {
    return this.placed;
  }

  private groupOf(bucket: number): number {
    return Math.floor(bucket / this.sizes.groupBuckets);
  }

  /** Entries that already have an `_id` (moved from elsewhere) keep it. */
  assign(entries: readonly (NewLogDocument & { _id?: ObjectId })[]): SequencedDocument[] {
    return this.place(entries).map((placed) => placed.document);
  }

  place(entries: readonly (NewLogDocument & { _id?: ObjectId })[]): PlacedDocument[] {
    return entries.map((entry) => this.placeOne(entry));
  }

  private placeOne(entry: NewLogDocument & { _id?: ObjectId }): PlacedDocument {
    const createdAt = new Date(Math.max(entry.created_at.getTime(), this.lastCreatedAt));
    this.lastCreatedAt = createdAt.getTime();

    const global = this.advance(this.globalState, createdAt);
    this.globalState = global;
    this.globalDirty = true;
    const group = this.groupOf(global.seq);
    this.countInGroup(group, global.seq, createdAt);
    const keys = [
      bucketKey(this.inc, global.seq),
      bucketKey(this.inc, global.seq + 1),
      groupKey(this.inc, group),
    ];

    const nameStream = this.nameStream(entry.name, createdAt);
    if (nameStream) {
      keys.push(
        nameBucketKey(this.inc, nameStream.seq, nameStream.hash),
        nameBucketKey(this.inc, nameStream.seq + 1, nameStream.hash),
      );
    }

    const document = {
      ...entry,
      _id: entry._id ?? new ObjectId(),
      created_at: createdAt,
      updated_at: createdAt,
      keys,
    };
    return {
      document,
      position: this.placed++,
      namePosition: nameStream ? nameStream.placed++ : undefined,
      bucket: global.seq,
    };
  }

  /** Moves a stream on by one entry, opening its next bucket when the current one is full. */
  private advance<S extends StreamState>(state: S | undefined, at: Date): StreamState {
    if (!state) return { seq: 0, filled: 1, newest: at, oldest: at };
    if (state.filled >= this.sizes.bucketEntries) {
      state.seq += 1;
      state.filled = 0;
    }
    state.filled += 1;
    state.newest = at;
    return state;
  }

  private nameStream(name: string, at: Date): NameStreamState | undefined {
    const known = this.names.get(name);
    if (!known && this.names.size >= MAX_NAME_STREAMS) {
      // Bounded memory and metadata: readers fall back to the global stream for this name.
      if (!this.untrackedNames) this.globalDirty = true;
      this.untrackedNames = true;
      return undefined;
    }
    const state = known ?? {
      seq: 0,
      filled: 0,
      newest: at,
      oldest: at,
      hash: nameHash(name),
      placed: 0,
    };
    this.advance(state, at);
    this.names.set(name, state);
    this.dirtyNames.add(name);
    return state;
  }

  private countInGroup(index: number, bucket: number, at: Date): void {
    const group = this.groups.get(index) ?? { count: 0, newest: at, oldest: at, last_bucket: 0 };
    group.count += 1;
    group.newest = at;
    group.last_bucket = bucket;
    this.groups.set(index, group);
    this.dirtyGroups.add(index);
  }

  /**
   * The heads and groups changed since the last call, as absolute values (this process is
   * their only writer, so the latest state simply replaces what is stored).
   */
  takeChanges(): MetadataChanges {
    const heads: MetadataChanges['heads'] = new Map();
    if (this.globalDirty && this.globalState) {
      heads.set(globalHeadId(this.inc), {
        scope: GLOBAL_SCOPE,
        inc: this.inc,
        ...pick(this.globalState),
        group: this.groupOf(this.globalState.seq),
        untracked_names: this.untrackedNames,
      });
    }
    for (const name of this.dirtyNames) {
      const state = this.names.get(name)!;
      heads.set(nameHeadId(this.inc, name), {
        scope: nameScope(name),
        inc: this.inc,
        ...pick(state),
      });
    }
    const groups: MetadataChanges['groups'] = new Map();
    const current = this.globalState ? this.groupOf(this.globalState.seq) : 0;
    for (const index of this.dirtyGroups) {
      groups.set(groupKey(this.inc, index), { inc: this.inc, index, ...this.groups.get(index)! });
      // A group behind the current one is complete: no need to keep it in memory.
      if (index < current) this.groups.delete(index);
    }
    this.globalDirty = false;
    this.dirtyNames.clear();
    this.dirtyGroups.clear();
    return { heads, groups };
  }

  /** After the metadata was dropped: the next write stores every head and the current group again. */
  markAllDirty(): void {
    if (this.globalState) this.globalDirty = true;
    for (const name of this.names.keys()) this.dirtyNames.add(name);
    for (const index of this.groups.keys()) this.dirtyGroups.add(index);
  }

  /** Changes whose write failed: they are sent again with the next ones. */
  restore(changes: MetadataChanges): void {
    for (const head of changes.heads.values()) {
      if (head.scope === GLOBAL_SCOPE) this.globalDirty = true;
      else this.dirtyNames.add(head.scope.slice(nameScope('').length));
    }
    for (const { index, count, newest, oldest, last_bucket } of changes.groups.values()) {
      if (!this.groups.has(index)) this.groups.set(index, { count, newest, oldest, last_bucket });
      this.dirtyGroups.add(index);
    }
  }
}

function pick({ seq, newest, oldest }: StreamState) {
  return { seq, newest, oldest };
}
