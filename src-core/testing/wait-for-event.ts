/**
 * Bounded waits for tests driving event-emitting clients: every wait either sees its event or
 * fails with a message naming what it waited for, never hangs the suite.
 */
import type { EventEmitter } from 'node:events';

/**
 * Resolves with the arguments of the first `name` event for which `predicate` holds. Subscribe
 * before triggering the action, so an event emitted synchronously is not missed.
 */
export function waitForEvent<Args extends unknown[]>(
  emitter: EventEmitter,
  name: string,
  predicate: (...args: Args) => boolean,
  timeoutMs: number,
  description = name,
): Promise<Args> {
  return new Promise<Args>((resolve, reject) => {
    const listener = (...args: unknown[]): void => {
      let matched: boolean;
      try {
        matched = predicate(...(args as Args));
      } catch (error) {
        finish();
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (!matched) return;
      finish();
      resolve(args as Args);
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${description}`));
    }, timeoutMs);
    const finish = (): void => {
      clearTimeout(timer);
      emitter.off(name, listener);
    };
    emitter.on(name, listener);
  });
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitUntil<T>(
  check: () => T | undefined,
  timeoutMs: number,
  description: string,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting until ${description}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
