import { UnavailableError } from '@ms/service-kit';
import type {
  InsertOutcome,
  LogDocument,
  LogListFilter,
  LogStore,
  NewLogDocument,
} from '../../src/domain/log-store';

/** The domain's collaborator, faked for unit tests: same contract as MongoLogStore. */
export class InMemoryLogStore implements LogStore {
  readonly documents: LogDocument[] = [];
  /** Set to make every call fail as if the database were unreachable (or with any error). */
  failWith: Error | undefined;
  /** The size of each insertMany call, in order. */
  readonly insertManyCalls: number[] = [];
  private nextId = 1;

  async insert(entry: NewLogDocument): Promise<InsertOutcome> {
    this.check();
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
    for (const entry of entries) outcomes.push(await this.insert(entry));
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

  async ping(): Promise<void> {
    this.check();
  }

  private check(): void {
    if (this.failWith) throw this.failWith;
  }
}

export const unavailable = () => new UnavailableError('log store unavailable');
