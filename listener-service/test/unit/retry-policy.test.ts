import { RetryPolicy } from '../../src/domain/retry-policy';

describe('RetryPolicy', () => {
  it('waits longer after each failure and repeats the last delay', () => {
    const policy = new RetryPolicy(6, [1000, 5000, 15000]);
    expect([1, 2, 3, 4, 5].map((failed) => policy.delayAfter(failed))).toEqual([
      1000, 5000, 15000, 15000, 15000,
    ]);
  });

  it('gives up after maxAttempts deliveries', () => {
    const policy = new RetryPolicy(3, [1000, 5000]);
    expect(policy.delayAfter(2)).toBe(5000);
    expect(policy.delayAfter(3)).toBeUndefined();
    expect(policy.delayAfter(7)).toBeUndefined();
  });

  it('never retries when maxAttempts is 1', () => {
    const policy = new RetryPolicy(1, [1000]);
    expect(policy.delayAfter(1)).toBeUndefined();
    expect(policy.distinctDelaysMs).toEqual([]);
  });

  it('lists each usable delay once, for one retry queue per delay', () => {
    expect(new RetryPolicy(10, [1000, 5000, 5000, 60000]).distinctDelaysMs).toEqual([
      1000, 5000, 60000,
    ]);
    // Only 2 retries happen, so the 60 s queue is never used.
    expect(new RetryPolicy(3, [1000, 5000, 60000]).distinctDelaysMs).toEqual([1000, 5000]);
  });

  it('refuses a policy that cannot work', () => {
    expect(() => new RetryPolicy(0, [1000])).toThrow(RangeError);
    expect(() => new RetryPolicy(3, [])).toThrow(RangeError);
  });
});
