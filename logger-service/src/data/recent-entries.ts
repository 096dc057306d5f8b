import type { InsertOutcome, LogDocument } from '../domain/log-store';
import { toLogDocument } from './log-document';
import type { PlacedDocument } from './stream-sequencer';

export interface RecentEntriesLimits {
  /** Entries kept per stream: enough for the largest page (500) with some to spare. */
  perStream: number;
  /** Name streams kept; the least recently written one is forgotten first. */
  nameStreams: number;
  /** Bytes of name and data kept in all, across streams (data may be 64 KiB each). */
  maxBytes: number;
}

export const RECENT_DEFAULTS: RecentEntriesLimits = {
  perStream: 600,
  nameStreams: 1000,
  maxBytes: 32 * 1024 * 1024,
};

interface Item {
  position: number;
  /** Undefined: the entry at this position was not stored (a duplicate event id). */
  document: LogDocument | undefined;
  bucket: number;
  bytes: number;
}

/**
 * What one stream of this process stored lately, by position in the stream. It knows
 * every position from `start` on that has been written (stored or duplicate), so it can
 * tell whether it holds the newest entries of the stream without a gap.
 */
class StreamEntries {
  private items: Item[] = [];
  bytes = 0;

  constructor(private start: number) {}

  add(item: Item): void {
    if (item.position < this.start) return;
    const last = this.items[this.items.length - 1];
    this.items.push(item);
    // Concurrent bulk writes may finish out of order.
    if (last && last.position > item.position) this.items.sort((a, b) => a.position - b.position);
    this.bytes += item.bytes;
  }

  trim(keep: number): number {
    const before = this.bytes;
    while (this.items.length > keep) this.dropOldest();
    return before - this.bytes;
  }

  /** Forgets everything: known again only from `position` on. */
  restartAt(position: number): void {
    this.items = [];
    this.bytes = 0;
    this.start = Math.max(this.start, position);
  }

  /** The entry stays a known position, as one not stored. */
  forget(id: string): void {
    for (const item of this.items) {
      if (item.document?.id === id) {
        item.document = undefined;
        this.bytes -= item.bytes;
        item.bytes = 0;
      }
    }
  }

  /** Known positions stay known, all of them as not stored. */
  clear(): void {
    for (const item of this.items) {
      item.document = undefined;
      item.bytes = 0;
    }
    this.bytes = 0;
  }

  dropOldest(): void {
    const dropped = this.items.shift();
    if (!dropped) return;
    this.bytes -= dropped.bytes;
    this.start = dropped.position + 1;
  }

  get size(): number {
    return this.items.length;
  }

  /**
   * The newest `limit` stored entries of the stream, newest first, when every position
   * back to them is known; entries in buckets below `floor`, and from the first one older
   * than `notBeforeMs` on (removed by retention), are left out. Undefined when there is a
   * gap (a write still running, or before `start`).
   */
  newest(limit: number, floor: number, notBeforeMs: number): LogDocument[] | undefined {
    const found: LogDocument[] = [];
    let expected: number | undefined;
    for (let i = this.items.length - 1; i >= 0 && found.length < limit; i--) {
      const item = this.items[i]!;
      if (expected !== undefined && item.position !== expected) return undefined;
      expected = item.position - 1;
      const { document } = item;
      if (!document || item.bucket < floor) continue;
      // Times only grow along a stream: everything further back is older still.
      if (document.created_at.getTime() < notBeforeMs) return found;
      found.push(document);
    }
    if (found.length >= limit) return found;
    // Fewer than limit: right only if this is the whole stream, from its first entry.
    const first = this.items[0];
    return this.start === 0 && (!first || first.position === 0) ? found : undefined;
  }
}

/**
 * The newest entries this process stored, per stream (its global one and its busiest
 * names), so that a newest-first read of this process's streams needs no query at all:
 * FerretDB would scan its whole table for each. Only entries whose bulk write succeeded
 * are added; after a write whose outcome is unknown, everything placed before it is
 * forgotten, so what is kept is never less than what is stored. Bounded in entries and
 * bytes.
 */
export class RecentEntries {
  private readonly global = new StreamEntries(0);
  /** In order of last write: the first is forgotten first. */
  private readonly names = new Map<string, StreamEntries>();
  /** Positions (global) placed before a failed write: their outcome is unknown. */
  private ignoreBelow = 0;

  constructor(private readonly limits: RecentEntriesLimits = RECENT_DEFAULTS) {}

  /** After a bulk write that answered: its entries, with the outcome of each. */
  add(placed: readonly PlacedDocument[], outcomes: readonly InsertOutcome[]): void {
    placed.forEach((entry, i) => {
      if (entry.position < this.ignoreBelow) return;
      const { document } = entry;
      const stored = outcomes[i] === 'stored' ? toLogDocument(document) : undefined;
      const bytes = stored ? stored.name.length + stored.data.length + 200 : 0;
      this.global.add({ position: entry.position, document: stored, bucket: entry.bucket, bytes });
      if (entry.namePosition !== undefined) {
        const stream = this.nameStream(document.name, entry.namePosition);
        stream.add({ position: entry.namePosition, document: stored, bucket: entry.bucket, bytes });
      }
    });
    this.global.trim(this.limits.perStream);
    for (const stream of this.names.values()) stream.trim(this.limits.perStream);
    this.enforceBytes();
  }

  /** An entry deleted from the store: answered no more from memory. */
  forget(id: string): void {
    for (const stream of [this.global, ...this.names.values()]) stream.forget(id);
  }

  /** After every entry was deleted: nothing written so far is answered from memory. */
  clear(): void {
    this.global.clear();
    this.names.clear();
  }

  /** After a bulk write that failed: some of its entries may be stored, none is known. */
  forgetUpTo(placedCount: number): void {
    this.ignoreBelow = Math.max(this.ignoreBelow, placedCount);
    this.global.restartAt(placedCount);
    this.names.clear();
  }

  /**
   * The newest `limit` entries of this process's global stream (or its stream of `name`),
   * if known without a gap; entries in buckets below `floor` or older than `notBefore`
   * (removed by retention) are left out.
   */
  newest(
    name: string | undefined,
    limit: number,
    { floor, notBefore }: { floor: number; notBefore?: Date },
  ): LogDocument[] | undefined {
    const stream = name === undefined ? this.global : this.names.get(name);
    return stream?.newest(limit, floor, notBefore?.getTime() ?? -Infinity);
  }

  private nameStream(name: string, position: number): StreamEntries {
    let stream = this.names.get(name);
    if (stream) {
      this.names.delete(name);
    } else {
      // Known from here on only: earlier positions of this name were not seen (or forgotten).
      stream = new StreamEntries(position);
      if (this.names.size >= this.limits.nameStreams) this.forgetLeastRecentName();
    }
    this.names.set(name, stream);
    return stream;
  }

  private forgetLeastRecentName(): void {
    const oldest = this.names.keys().next();
    if (!oldest.done) this.names.delete(oldest.value);
  }

  private enforceBytes(): void {
    const total = () =>
      this.global.bytes + [...this.names.values()].reduce((sum, s) => sum + s.bytes, 0);
    let bytes = total();
    while (bytes > this.limits.maxBytes && this.names.size > 0) {
      this.forgetLeastRecentName();
      bytes = total();
    }
    while (bytes > this.limits.maxBytes && this.global.size > 0) {
      this.global.dropOldest();
      bytes = total();
    }
  }
}
