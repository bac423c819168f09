/**
 * Per-endpoint faults a test arms on the peer: hold a request open until released, fail with a
 * status and errcode, delay, drop the connection, or answer with any body (truncated JSON, a
 * wrong create event, a huge body). Each fault applies `times` times (default: until cleared).
 */
import type { PeerJson } from './peer-json';
import type { PeerEndpoint } from './peer-endpoints';

export type Fault =
  | { kind: 'fail'; status: number; errcode: string; error: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'close' }
  | { kind: 'respond'; status: number; body: string | Buffer | PeerJson }
  | { kind: 'hold'; hold: HeldEndpoint };

interface ArmedFault {
  fault: Fault;
  remaining: number;
}

/** A held endpoint: its requests wait until `release()`. */
export class HeldEndpoint {
  private waiters: (() => void)[] = [];
  private arrivals = 0;
  private arrivalListeners: (() => void)[] = [];
  released = false;

  constructor(readonly endpoint: PeerEndpoint) {}

  /** How many requests are waiting now. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Resolves once `count` requests in total have arrived at the hold. */
  async arrived(count = 1, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.arrivals < count) {
      if (Date.now() > deadline) {
        throw new Error(
          `${count} request(s) to ${this.endpoint} did not arrive within ${timeoutMs} ms`,
        );
      }
      await new Promise<void>((resolve) => {
        this.arrivalListeners.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  wait(): Promise<void> {
    if (this.released) return Promise.resolve();
    this.arrivals++;
    for (const listener of this.arrivalListeners.splice(0)) listener();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Lets every waiting request (and all later ones) through. */
  release(): void {
    this.released = true;
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

export class FaultPlan {
  private readonly armed = new Map<PeerEndpoint, ArmedFault[]>();

  arm(endpoint: PeerEndpoint, fault: Fault, times = Number.POSITIVE_INFINITY): void {
    const list = this.armed.get(endpoint) ?? [];
    list.push({ fault, remaining: times });
    this.armed.set(endpoint, list);
  }

  /** Removes the faults of one endpoint (or all), releasing any holds so nothing hangs. */
  clear(endpoint?: PeerEndpoint): void {
    for (const [name, list] of this.armed) {
      if (endpoint !== undefined && name !== endpoint) continue;
      for (const { fault } of list) if (fault.kind === 'hold') fault.hold.release();
      this.armed.delete(name);
    }
  }

  /** The faults to apply to one request, counting it against each. */
  take(endpoint: PeerEndpoint): Fault[] {
    const list = this.armed.get(endpoint);
    if (!list) return [];
    const faults: Fault[] = [];
    for (const entry of list) {
      if (entry.remaining <= 0) continue;
      if (entry.fault.kind === 'hold' && entry.fault.hold.released) continue;
      entry.remaining--;
      faults.push(entry.fault);
    }
    this.armed.set(
      endpoint,
      list.filter((e) => e.remaining > 0),
    );
    return faults;
  }
}
