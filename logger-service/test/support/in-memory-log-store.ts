import { UnavailableError } from '@ms/service-kit';
import {
  type InsertOutcome,
  type LogDocument,
  type LogListFilter,
  type LogSearchFilter,
  type LogSearchPage,
  type LogStore,
  type NewLogDocument,
  searchPageOf,
} from '../../src/domain/log-store';

/** The domain's collaborator, faked for unit tests: same contract as MongoLogStore. */
export class InMemoryLogStore implements LogStore {
  readonly documents: LogDocument[] = [];
  /** Set to make every call fail as if the database were unreachable (or with any error). */
  failWith: Error | undefined;
  /** The size of each insertMany call, in order. */
  readonly insertManyCalls: number[] = [];
  private nextId = 1;

  private insertOne(entry: NewLogDocument): InsertOutcome {
    if (this.documents.some((document) => document.event_id === entry.event_id)) {
      return 'duplicate';
    }
    this.documents.push({ ...entry, id: (this.nextId++).toString(16).padStart(24, '0') });
    return 'stored';
  }

  /** Same semantics as an unordered insertMany: one outcome per entry, duplicates inside too. */
  async insertMany(entries: readonly NewLogDocument[]): Promise<InsertOutcome[]> {
    this.check();
    this.insertManyCalls.push(entries.length);
    const outcomes: InsertOutcome[] = [];
    for (const entry of entries) outcomes.push(this.insertOne(entry));
    return outcomes;
  }

  async list({ limit, name }: LogListFilter): Promise<LogDocument[]> {
    this.check();
    return this.documents
      .filter((document) => name === undefined || document.name === name)
      .reverse()
      .slice(0, limit);
  }

  async findById(id: string): Promise<LogDocument | undefined> {
    this.check();
    return this.documents.find((document) => document.id === id);
  }

  /** A plain filter over everything (no budget): what the real store must agree with. */
  async search({ limit, name, q, from, before }: LogSearchFilter): Promise<LogSearchPage> {
    this.check();
    const matching = this.documents
      .filter(
        (d) =>
          (name === undefined || d.name === name) &&
          (q === undefined || d.data.toLowerCase().includes(q.toLowerCase())) &&
          (from === undefined || d.created_at >= from) &&
          (before === undefined ||
            d.created_at < before.at ||
            (d.created_at.getTime() === before.at.getTime() && d.id < before.id)),
      )
      .reverse();
    return searchPageOf(matching, limit);
  }

  async deleteById(id: string): Promise<boolean> {
    this.check();
    const index = this.documents.findIndex((document) => document.id === id);
    if (index >= 0) this.documents.splice(index, 1);
    return index >= 0;
  }

  async deleteAll(): Promise<void> {
    this.check();
    this.documents.length = 0;
  }

  async ping(): Promise<void> {
    this.check();
  }

  private check(): void {
    if (this.failWith) throw this.failWith;
  }
}

export const unavailable = () => new UnavailableError('log store unavailable');
