/**
 * Load on loopback (reliability issue §4), bounded and self-stopping:
 *   - clients: 50 clients register, join one shared room, create two rooms each, then send and
 *     long-poll /sync for 60 s (`SKEIN_LOAD_SECONDS` shortens it); zero errors, nothing lost,
 *     p50/p99 of send and of sync wake-up, peak RSS;
 *   - federation: 1,000 inbound /send transactions (2 PDUs each) from a second in-process Skein
 *     into a room; zero errors, every PDU persisted, throughput and p50/p99.
 * The machinery is in bench/load/; tools/load-smoke.test.ts runs a few-second version in
 * `npm test`.
 */
import { runClientLoad } from '../load/client-load';
import { runFederationLoad } from '../load/federation-load';
import type { BenchmarkSuite, Measurement } from '../benchmark-suite';

const MB = 1024 * 1024;
const seconds = Number(process.env['SKEIN_LOAD_SECONDS'] ?? 60);

function mustBeZero(metric: string, value: number, unit: string): Measurement {
  return { metric, value, unit, target: 0, lowerIsBetter: true };
}

export const loadSuite: BenchmarkSuite = {
  name: 'load',
  description: '50 clients sending and syncing; 1,000 inbound federation transactions',
  cases: [
    {
      name: `50 clients, ${seconds} s of sends and /sync`,
      async run(ctx) {
        const result = await runClientLoad({
          clients: 50,
          durationMs: seconds * 1000,
          ownRooms: 2,
          sendIntervalMs: 1000,
          seed: 42,
          onTick: () => ctx.sampleRss(),
        });
        if (result.errors > 0)
          process.stderr.write(`load errors: ${result.errorSamples.join('\n')}\n`);
        if (result.lost > 0) {
          // One line per lost (event, member): its stream position, sender, and the member's
          // sync windows around it (since → next_batch, events per room).
          process.stderr.write(
            `lost deliveries (first ${result.lostDetails.length} of ${result.lost}):\n` +
              result.lostDetails.map((d) => `  ${JSON.stringify(d)}\n`).join(''),
          );
        }
        return [
          mustBeZero('errors', result.errors, 'requests'),
          mustBeZero('lost', result.lost, 'deliveries'),
          {
            metric: 'limited syncs',
            value: result.limitedSyncs,
            unit: 'responses',
            lowerIsBetter: true,
          },
          { metric: 'messages sent', value: result.sent, unit: 'events', lowerIsBetter: false },
          {
            metric: 'sync deliveries',
            value: result.deliveries,
            unit: 'events',
            lowerIsBetter: false,
          },
          { metric: 'send p50', value: result.send.p50Ms, unit: 'ms', lowerIsBetter: true },
          { metric: 'send p99', value: result.send.p99Ms, unit: 'ms', lowerIsBetter: true },
          {
            metric: 'sync wake p50',
            value: result.syncWake.p50Ms,
            unit: 'ms',
            lowerIsBetter: true,
          },
          {
            metric: 'sync wake p99',
            value: result.syncWake.p99Ms,
            unit: 'ms',
            lowerIsBetter: true,
          },
          {
            metric: 'peak RSS, load',
            value: result.peakRssBytes / MB,
            unit: 'MB',
            lowerIsBetter: true,
          },
        ];
      },
    },
    {
      name: '1,000 inbound federation transactions',
      async run(ctx) {
        const result = await runFederationLoad({
          transactions: 1000,
          pdusPerTransaction: 2,
          onTick: () => ctx.sampleRss(),
        });
        if (result.errors > 0)
          process.stderr.write(`load errors: ${result.errorSamples.join('\n')}\n`);
        return [
          mustBeZero('errors', result.errors, 'PDUs'),
          mustBeZero('PDUs not persisted', result.missing, 'PDUs'),
          {
            metric: 'throughput',
            value: result.transactionsPerSecond,
            unit: 'txn/s',
            lowerIsBetter: false,
          },
          {
            metric: 'PDU throughput',
            value: result.pdusPerSecond,
            unit: 'PDUs/s',
            lowerIsBetter: false,
          },
          { metric: 'txn p50', value: result.latency.p50Ms, unit: 'ms', lowerIsBetter: true },
          { metric: 'txn p99', value: result.latency.p99Ms, unit: 'ms', lowerIsBetter: true },
          {
            metric: 'peak RSS, load',
            value: result.peakRssBytes / MB,
            unit: 'MB',
            lowerIsBetter: true,
          },
        ];
      },
    },
  ],
};
