import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '@ms/service-kit';
import { eventually } from '@ms/testing';
import {
  type EntryGroup,
  type RetentionStore,
  RetentionTask,
  groupsToRemove,
} from '../../src/domain/retention';
import { CapturedLogs } from '../support/logger-under-test';

const NOW = new Date('2026-06-30T00:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 24 * 3600 * 1000);
const group = (id: string, count: number, ageDays: number, current = false): EntryGroup => ({
  id,
  count,
  newest: daysAgo(ageDays),
  current,
});
const ids = (groups: EntryGroup[]) => groups.map((g) => g.id);

describe('groupsToRemove', () => {
  const groups = [
    group('g3', 100, 10),
    group('g1', 100, 45),
    group('g4', 40, 1, true),
    group('g2', 100, 31),
  ];

  it('removes, oldest first, the groups whose newest entry is past the age', () => {
    expect(ids(groupsToRemove(groups, { days: 30, maxEntries: 0 }, NOW))).toEqual(['g1', 'g2']);
    expect(ids(groupsToRemove(groups, { days: 60, maxEntries: 0 }, NOW))).toEqual([]);
  });

  it('removes the oldest whole groups while the rest still hold maxEntries', () => {
    // 340 in all: without g1 240, without g2 too 140, without g3 too 40 < 100.
    expect(ids(groupsToRemove(groups, { days: 0, maxEntries: 100 }, NOW))).toEqual(['g1', 'g2']);
    expect(ids(groupsToRemove(groups, { days: 0, maxEntries: 340 }, NOW))).toEqual([]);
    expect(ids(groupsToRemove(groups, { days: 0, maxEntries: 241 }, NOW))).toEqual([]);
    expect(ids(groupsToRemove(groups, { days: 0, maxEntries: 240 }, NOW))).toEqual(['g1']);
  });

  it('never removes a group still being filled to meet the count', () => {
    const only = [group('old', 10, 5), group('filling', 500, 0, true)];
    expect(ids(groupsToRemove(only, { days: 0, maxEntries: 1 }, NOW))).toEqual(['old']);
  });

  it('applies both limits', () => {
    expect(ids(groupsToRemove(groups, { days: 40, maxEntries: 140 }, NOW))).toEqual(['g1', 'g2']);
  });

  it('keeps everything when both limits are 0', () => {
    expect(groupsToRemove(groups, { days: 0, maxEntries: 0 }, NOW)).toEqual([]);
  });
});

/** Groups in memory; removals can be made slow or failing, and overlapping calls are counted. */
class FakeRetentionStore implements RetentionStore {
  groups_: EntryGroup[] = [];
  removeDelayMs = 0;
  failGroups = false;
  isBusy = false;
  active = 0;
  maxActive = 0;
  passes = 0;

  async groups(): Promise<EntryGroup[]> {
    this.passes += 1;
    if (this.failGroups) throw new Error('database down');
    return [...this.groups_];
  }

  async removeGroup(target: EntryGroup): Promise<number> {
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    await sleep(this.removeDelayMs);
    this.groups_ = this.groups_.filter((g) => g.id !== target.id);
    this.active -= 1;
    return target.count;
  }

  async busy(): Promise<boolean> {
    return this.isBusy;
  }
}

function task(store: FakeRetentionStore, intervalMs = 10, days = 30) {
  const logs = new CapturedLogs();
  const retention = new RetentionTask(store, {
    policy: { days, maxEntries: 0 },
    intervalMs,
    logger: logs.logger,
    now: () => NOW,
  });
  return { retention, logs };
}

describe('RetentionTask', () => {
  it('removes expired groups at start and logs what it removed', async () => {
    const store = new FakeRetentionStore();
    store.groups_ = [group('old', 70, 40), group('new', 5, 1)];
    const { retention, logs } = task(store);
    retention.start();
    await eventually(async () => store.groups_.length === 1, { what: 'the old group to go' });
    await retention.stop();
    expect(ids(store.groups_)).toEqual(['new']);
    expect(logs.lines).toContainEqual(
      expect.objectContaining({ msg: 'retention removed old log entries', removed: 70, groups: 1 }),
    );
  });

  it('runs again every interval, never two passes at once', async () => {
    const store = new FakeRetentionStore();
    store.removeDelayMs = 30;
    store.groups_ = Array.from({ length: 4 }, (_, i) => group(`g${i}`, 1, 40));
    const { retention } = task(store, 1);
    retention.start();
    await eventually(async () => store.passes >= 3, { what: 'three passes' });
    // New old entries appear later: a later pass removes them.
    store.groups_.push(group('late', 1, 50));
    await eventually(async () => store.groups_.length === 0, { what: 'the late group to go' });
    await retention.stop();
    expect(store.maxActive).toBe(1);
  });

  it('stop() waits for a running pass and cancels the next', async () => {
    const store = new FakeRetentionStore();
    store.removeDelayMs = 100;
    store.groups_ = [group('a', 1, 40)];
    const { retention } = task(store, 5);
    retention.start();
    await eventually(async () => store.active === 1, { what: 'a removal to start' });
    await retention.stop();
    expect(store.active).toBe(0);
    const passes = store.passes;
    await sleep(50);
    expect(store.passes).toBe(passes);
  });

  it('logs a failed pass and tries again at the next interval', async () => {
    const store = new FakeRetentionStore();
    store.failGroups = true;
    store.groups_ = [group('a', 1, 40)];
    const { retention, logs } = task(store, 5);
    retention.start();
    await eventually(async () => store.passes >= 2, { what: 'a second pass' });
    store.failGroups = false;
    await eventually(async () => store.groups_.length === 0, { what: 'the group to go' });
    await retention.stop();
    expect(logs.lines).toContainEqual(
      expect.objectContaining({ msg: 'retention pass failed; tried again later' }),
    );
  });

  it('waits while the store is busy, and does nothing when disabled', async () => {
    const store = new FakeRetentionStore();
    store.isBusy = true;
    store.groups_ = [group('a', 1, 40)];
    const { retention } = task(store);
    expect(await retention.runOnce()).toBe(0);
    expect(store.groups_).toHaveLength(1);

    const disabled = task(new FakeRetentionStore(), 1, 0).retention;
    expect(disabled.enabled).toBe(false);
    disabled.start();
    await retention.stop();
    await disabled.stop();
  });

  it('does not keep the process alive', () => {
    const store = new FakeRetentionStore();
    const retention = new RetentionTask(store, {
      policy: { days: 1, maxEntries: 0 },
      intervalMs: 60_000,
      logger: createLogger('test', { level: 'silent' }),
    });
    retention.start();
    const timer = (retention as unknown as { timer: NodeJS.Timeout }).timer;
    expect(timer.hasRef()).toBe(false);
    void retention.stop();
  });
});
