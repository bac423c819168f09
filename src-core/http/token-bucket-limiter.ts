/**
 * Per-key token buckets (key = client IP for the unauthenticated account endpoints). A bucket
 * holds up to `burst` tokens and refills at `perSecond`; a request takes one token or is told how
 * long to wait. Memory stays bounded: a bucket that has refilled completely is indistinguishable
 * from a fresh one, so full buckets are dropped whenever the map grows past `maxKeys`.
 */
import type { RateLimit } from '../config/homeserver-config';
import type { Clock } from '../util/clock';

interface Bucket {
  tokens: number;
  updatedTs: number;
}

export type TakeResult = { allowed: true } | { allowed: false; retryAfterMs: number };

export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: Clock,
    private readonly maxKeys = 10_000,
  ) {
    if (!(limit.burst >= 1) || !(limit.perSecond > 0)) {
      throw new RangeError(
        `rate limit needs burst >= 1 and perSecond > 0, got ${JSON.stringify(limit)}`,
      );
    }
  }

  take(key: string): TakeResult {
    const now = this.clock.now();
    const bucket = this.refilled(this.buckets.get(key), now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.buckets.set(key, bucket);
      if (this.buckets.size > this.maxKeys) this.dropFullBuckets(now);
      return { allowed: true };
    }
    this.buckets.set(key, bucket);
    const retryAfterMs = Math.ceil(((1 - bucket.tokens) / this.limit.perSecond) * 1000);
    return { allowed: false, retryAfterMs: Math.max(1, retryAfterMs) };
  }

  private refilled(bucket: Bucket | undefined, now: number): Bucket {
    if (!bucket) return { tokens: this.limit.burst, updatedTs: now };
    const elapsedSeconds = Math.max(0, now - bucket.updatedTs) / 1000;
    return {
      tokens: Math.min(this.limit.burst, bucket.tokens + elapsedSeconds * this.limit.perSecond),
      updatedTs: now,
    };
  }

  private dropFullBuckets(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (this.refilled(bucket, now).tokens >= this.limit.burst) this.buckets.delete(key);
    }
  }

  /** Number of tracked keys (for tests of the memory bound). */
  get size(): number {
    return this.buckets.size;
  }
}
