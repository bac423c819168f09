import { describe, expect, it } from 'vitest';
import { TokenBucketLimiter } from './token-bucket-limiter';

function manualClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('TokenBucketLimiter', () => {
  it('allows a burst, then refuses with the time until the next token', () => {
    const clock = manualClock();
    const limiter = new TokenBucketLimiter({ burst: 3, perSecond: 2 }, clock);
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterMs: 500 });
    clock.advance(250);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterMs: 250 });
    clock.advance(250);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
  });

  it('keeps keys apart and never refills beyond the burst', () => {
    const clock = manualClock();
    const limiter = new TokenBucketLimiter({ burst: 2, perSecond: 1 }, clock);
    limiter.take('a');
    limiter.take('a');
    expect(limiter.take('b').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    clock.advance(60_000);
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, false]);
  });

  it('forgets refilled buckets once it tracks more than maxKeys', () => {
    const clock = manualClock();
    const limiter = new TokenBucketLimiter({ burst: 5, perSecond: 1 }, clock, 100);
    for (let i = 0; i < 100; i++) limiter.take(`ip${i}`);
    expect(limiter.size).toBe(100);
    clock.advance(10_000);
    limiter.take('fresh');
    expect(limiter.size).toBe(1);
  });

  it('refuses nonsensical limits at construction', () => {
    const clock = manualClock();
    expect(() => new TokenBucketLimiter({ burst: 0, perSecond: 1 }, clock)).toThrow(RangeError);
    expect(() => new TokenBucketLimiter({ burst: 1, perSecond: 0 }, clock)).toThrow(RangeError);
  });
});
