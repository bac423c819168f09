/**
 * A few-second run of the load machinery (bench/load/), so `npm test` catches a regression in it
 * or in what it exercises; `npm run bench -- load` runs the full sizes.
 */
import { describe, expect, it } from 'vitest';
import { runClientLoad } from '../bench/load/client-load';
import { runFederationLoad } from '../bench/load/federation-load';

describe('load smoke', () => {
  it('4 clients send and sync for 1.5 s: no errors, nothing lost, latencies measured', async () => {
    const result = await runClientLoad({
      clients: 4,
      durationMs: 1500,
      ownRooms: 1,
      sendIntervalMs: 200,
      seed: 7,
    });
    expect(result.errorSamples).toEqual([]);
    expect(result.errors).toBe(0);
    // Details first: a failure then shows which event, where, and the member's sync windows.
    expect(result.lostDetails).toEqual([]);
    expect(result.lost).toBe(0);
    expect(result.sent).toBeGreaterThan(8);
    // Every shared-room message reaches the 3 other members at least.
    expect(result.syncWake.count).toBeGreaterThanOrEqual(result.sent);
    expect(result.send.p99Ms).toBeGreaterThan(0);
    expect(result.peakRssBytes).toBeGreaterThan(0);
  });

  it('40 inbound federation transactions: no errors, every PDU persisted', async () => {
    const result = await runFederationLoad({ transactions: 40, pdusPerTransaction: 2 });
    expect(result.errorSamples).toEqual([]);
    expect(result.missing).toBe(0);
    expect(result.pdus).toBe(80);
    expect(result.latency.count).toBe(40);
    expect(result.transactionsPerSecond).toBeGreaterThan(0);
  });
});
