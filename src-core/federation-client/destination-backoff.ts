/**
 * How long to leave a destination alone after consecutive failures: 1 s doubling up to 1 h,
 * with ±20 % jitter so that many queues failing together (our network dropped) do not all
 * retry in the same instant.
 */

export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_MAX_MS = 60 * 60 * 1000;
export const BACKOFF_JITTER = 0.2;

/** `random` returns [0, 1), as Math.random. */
export function backoffDelayMs(failures: number, random: () => number): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 32);
  const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** exponent);
  return Math.round(delay * (1 + BACKOFF_JITTER * (2 * random() - 1)));
}
