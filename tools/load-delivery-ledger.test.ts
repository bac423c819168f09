/**
 * The load run's delivery ledger (bench/load/delivery-ledger.ts). The first case is the
 * end-of-run race that made 60 s load runs report lost deliveries: a send still in flight when
 * sending closed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeliveryLedger } from '../bench/load/delivery-ledger';

const SHARED = '!shared:test';
const OWN = '!own-a:test';

describe('DeliveryLedger', () => {
  it('is not complete while a send is in flight, though every event accepted so far arrived', () => {
    const ledger = new DeliveryLedger(['@a:test', '@b:test'], SHARED);
    ledger.sendStarted();
    ledger.sendSettled('$1', { roomId: SHARED, senderId: '@a:test', at: 1 });
    ledger.see('@a:test', '$1', 2);
    ledger.see('@b:test', '$1', 2);
    // @b's slow send: its request is out, the 200 not back yet, when the run stops sending.
    ledger.sendStarted();
    ledger.closeSending();
    // The old rule ("sending stopped and everyone has every accepted event") said stop here;
    // @a's sync loop ended, the event was persisted afterwards and counted lost for @a.
    expect(ledger.sendingOver).toBe(false);
    expect(ledger.complete).toBe(false);
    ledger.sendSettled('$2', { roomId: SHARED, senderId: '@b:test', at: 3 });
    expect(ledger.sendingOver).toBe(true);
    expect(ledger.complete).toBe(false);
    ledger.see('@b:test', '$2', 4);
    expect(ledger.complete).toBe(false);
    ledger.see('@a:test', '$2', 5);
    expect(ledger.complete).toBe(true);
  });

  it('counts an event a /sync returned before its sender had the 200', () => {
    const ledger = new DeliveryLedger(['@a:test', '@b:test'], SHARED);
    ledger.sendStarted();
    ledger.see('@b:test', '$early', 1);
    ledger.closeSending();
    ledger.sendSettled('$early', { roomId: SHARED, senderId: '@a:test', at: 2 });
    expect(ledger.complete).toBe(false);
    ledger.see('@a:test', '$early', 3);
    expect(ledger.complete).toBe(true);
    expect(ledger.seenAt('@b:test', '$early')).toBe(1);
  });

  it("needs an own-room event only at its sender, and keeps a member's first sighting", () => {
    const ledger = new DeliveryLedger(['@a:test', '@b:test'], SHARED);
    ledger.sendStarted();
    ledger.sendSettled('$own', { roomId: OWN, senderId: '@a:test', at: 1 });
    ledger.closeSending();
    expect(ledger.audience({ roomId: OWN, senderId: '@a:test', at: 1 })).toEqual(['@a:test']);
    expect(ledger.complete).toBe(false);
    ledger.see('@a:test', '$own', 7);
    ledger.see('@a:test', '$own', 9);
    expect(ledger.complete).toBe(true);
    expect(ledger.seenAt('@a:test', '$own')).toBe(7);
    expect(ledger.seenAt('@b:test', '$own')).toBeUndefined();
  });

  it('lets failed sends settle without expecting anything; refuses unbalanced calls', () => {
    const ledger = new DeliveryLedger(['@a:test'], SHARED);
    ledger.sendStarted();
    ledger.sendSettled();
    ledger.closeSending();
    expect(ledger.complete).toBe(true);
    expect(ledger.acceptedCount).toBe(0);
    expect(() => ledger.sendSettled()).toThrow(/never started/);
    expect(() => ledger.sendStarted()).toThrow(/after sending closed/);
  });

  it('agrees with a brute-force model on random interleavings', () => {
    const members = ['@a:test', '@b:test', '@c:test'];
    const step = fc.oneof(
      fc.record({ kind: fc.constant('start' as const) }),
      fc.record({
        kind: fc.constant('settle' as const),
        event: fc.integer({ min: 0, max: 5 }),
        own: fc.boolean(),
        sender: fc.integer({ min: 0, max: 2 }),
        accepted: fc.boolean(),
      }),
      fc.record({
        kind: fc.constant('see' as const),
        event: fc.integer({ min: 0, max: 5 }),
        member: fc.integer({ min: 0, max: 2 }),
      }),
      fc.record({ kind: fc.constant('close' as const) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const ledger = new DeliveryLedger(members, SHARED);
        let inFlight = 0;
        let closed = false;
        const accepted = new Map<string, string[]>();
        const seen = new Set<string>();
        for (const s of steps) {
          if (s.kind === 'start') {
            if (closed) continue;
            ledger.sendStarted();
            inFlight++;
          } else if (s.kind === 'settle') {
            if (inFlight === 0) continue;
            inFlight--;
            const id = `$${s.event}`;
            const sender = members[s.sender] as string;
            if (!s.accepted) {
              ledger.sendSettled();
              continue;
            }
            ledger.sendSettled(id, { roomId: s.own ? OWN : SHARED, senderId: sender, at: 0 });
            if (!accepted.has(id)) accepted.set(id, s.own ? [sender] : members);
          } else if (s.kind === 'see') {
            const member = members[s.member] as string;
            ledger.see(member, `$${s.event}`, 0);
            seen.add(`${member} ${s.event}`);
          } else {
            ledger.closeSending();
            closed = true;
          }
          const delivered = [...accepted].every(([id, audience]) =>
            audience.every((m) => seen.has(`${m} ${id.slice(1)}`)),
          );
          expect(ledger.complete).toBe(closed && inFlight === 0 && delivered);
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
