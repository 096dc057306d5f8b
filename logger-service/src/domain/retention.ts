import type { Logger } from '@ms/service-kit';

/** A unit retention removes at once: a group of buckets of one process (at most 10,000 entries). */
export interface EntryGroup {
  id: string;
  count: number;
  newest: Date;
  /** Still being filled by a running process: never removed to meet the count limit. */
  current: boolean;
}

export interface RetentionStore {
  groups(): Promise<EntryGroup[]>;
  /** Removes the group's entries, then its record; returns how many entries went. */
  removeGroup(group: EntryGroup): Promise<number>;
  /** True while entries of the old layout are still being copied: retention waits. */
  busy(): Promise<boolean>;
}

export interface RetentionPolicy {
  /** Entries older than this many days are removed; 0 keeps them forever. */
  days: number;
  /** At most about this many entries are kept (whole groups, oldest first); 0 = no limit. */
  maxEntries: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The groups to remove, oldest first: every group whose newest entry is past the age
 * limit, then the oldest groups while the rest still hold at least `maxEntries` (so the
 * count kept is between maxEntries and maxEntries plus one group).
 */
export function groupsToRemove(
  groups: readonly EntryGroup[],
  policy: RetentionPolicy,
  now: Date,
): EntryGroup[] {
  const oldestFirst = [...groups].sort((a, b) => a.newest.getTime() - b.newest.getTime());
  const cutoff = policy.days > 0 ? now.getTime() - policy.days * DAY_MS : -Infinity;
  const remove = new Set(oldestFirst.filter((group) => group.newest.getTime() < cutoff));
  if (policy.maxEntries > 0) {
    let kept = oldestFirst
      .filter((group) => !remove.has(group))
      .reduce((sum, group) => sum + group.count, 0);
    for (const group of oldestFirst) {
      if (remove.has(group) || group.current) continue;
      if (kept - group.count < policy.maxEntries) break;
      remove.add(group);
      kept -= group.count;
    }
  }
  return oldestFirst.filter((group) => remove.has(group));
}

export interface RetentionTaskOptions {
  policy: RetentionPolicy;
  intervalMs: number;
  logger: Logger;
  now?: () => Date;
  /** Most groups one pass removes (10,000 entries each); the next pass goes on. */
  maxGroupsPerPass?: number;
}

/**
 * Runs retention now and then every `intervalMs`, one pass at a time (the next is
 * scheduled when the previous has finished), on an unref'd timer; `stop()` cancels the
 * next pass and waits for a running one.
 */
export class RetentionTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly store: RetentionStore,
    private readonly options: RetentionTaskOptions,
  ) {}

  get enabled(): boolean {
    const { days, maxEntries } = this.options.policy;
    return days > 0 || maxEntries > 0;
  }

  start(): void {
    if (!this.enabled) return;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((err: unknown) =>
          this.options.logger.error({ err }, 'retention pass failed; tried again later'),
        )
        .finally(() => {
          this.running = undefined;
          this.schedule(this.options.intervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  /** One pass: returns the entries removed. */
  async runOnce(): Promise<number> {
    if (await this.store.busy()) return 0;
    const now = this.options.now?.() ?? new Date();
    const doomed = groupsToRemove(await this.store.groups(), this.options.policy, now).slice(
      0,
      this.options.maxGroupsPerPass ?? 100,
    );
    let removed = 0;
    for (const group of doomed) {
      if (this.stopped) break;
      removed += await this.store.removeGroup(group);
    }
    if (doomed.length > 0) {
      this.options.logger.info(
        { removed, groups: doomed.length, policy: this.options.policy },
        'retention removed old log entries',
      );
    }
    return removed;
  }
}
