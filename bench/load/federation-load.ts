/**
 * Inbound federation load on loopback (reliability issue §4): a second in-process Skein (the
 * peer) pushes `transactions` signed `/send` transactions, one after another, into a room the
 * receiver holds and the peer's user is joined to. Each carries `pdusPerTransaction` messages
 * chained on the previous ones, signed by the peer, sent over real HTTPS with X-Matrix. Counted:
 * every non-200 or per-PDU error (an error), every PDU the receiver does not hold accepted
 * afterwards (missing), the per-transaction latency and the throughput.
 */
import type { Homeserver } from '../../src-core/homeserver';
import { selectAuthEventIds } from '../../src-core/rules/auth/auth-event-selection';
import type { Pdu } from '../../src-core/rules/events/pdu';
import { computeEventId } from '../../src-core/rules/hashes/event-id';
import type { JsonObject } from '../../src-core/rules/json';
import { DEFAULT_ROOM_VERSION, getRoomVersion } from '../../src-core/rules/room-versions';
import { signEvent } from '../../src-core/rules/signing/sign-event';
import { persistPeerEvent } from '../../src-core/testing/peer-room-events';
import { startTestHomeserver } from '../../src-core/testing/test-homeserver';
import type { LatencySummary } from './client-load';
import { summariseLatency } from './client-load';

export interface FederationLoadOptions {
  transactions: number;
  pdusPerTransaction: number;
  onTick?: () => void;
}

export interface FederationLoadResult {
  transactions: number;
  pdus: number;
  errors: number;
  errorSamples: string[];
  missing: number;
  latency: LatencySummary;
  transactionsPerSecond: number;
  pdusPerSecond: number;
  peakRssBytes: number;
}

const version = getRoomVersion(DEFAULT_ROOM_VERSION);

export async function runFederationLoad(
  options: FederationLoadOptions,
): Promise<FederationLoadResult> {
  let peakRss = process.memoryUsage.rss();
  const sampleRss = () => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    options.onTick?.();
  };
  const sampler = setInterval(sampleRss, 50);
  const [receiver, peer] = await Promise.all([startTestHomeserver(), startTestHomeserver()]);
  try {
    return { ...(await drive(receiver, peer)), peakRssBytes: peakRss };
  } finally {
    clearInterval(sampler);
    await Promise.all([receiver.stop(), peer.stop()]);
  }

  async function drive(
    a: Homeserver,
    p: Homeserver,
  ): Promise<Omit<FederationLoadResult, 'peakRssBytes'>> {
    const alice = `@alice:${a.config.serverName}`;
    const bob = `@bob:${p.config.serverName}`;
    const roomId = a.context.rooms.creator.create({
      creator: alice,
      version,
      preset: 'public_chat',
      invite: [],
      initialState: [],
      creationContent: {},
      powerLevelContentOverride: undefined,
      isDirect: false,
    });
    persistPeerEvent(a, p, {
      roomId,
      sender: bob,
      type: 'm.room.member',
      stateKey: bob,
      content: { membership: 'join' },
    });
    // Messages change no state: one set of auth events serves them all.
    const rooms = a.context.rooms;
    let prevs = rooms.builder.choosePrevEvents(roomId).map((e) => e.eventId);
    let depth = Math.max(...rooms.builder.choosePrevEvents(roomId).map((e) => e.depth));
    const stateNow = rooms.roomState.stateAfterEvents(version, prevs);
    const authEvents = selectAuthEventIds(
      'm.room.message',
      undefined,
      bob,
      { msgtype: 'm.text', body: '' },
      version,
      rooms.roomState.lookup(stateNow.state),
    );

    const errorSamples: string[] = [];
    let errors = 0;
    const recordError = (what: string) => {
      errors++;
      if (errorSamples.length < 10) errorSamples.push(what);
    };
    const sentIds: string[] = [];
    const latencies: number[] = [];
    const started = performance.now();
    for (let t = 0; t < options.transactions; t++) {
      const pdus: Pdu[] = [];
      for (let i = 0; i < options.pdusPerTransaction; i++) {
        depth++;
        const template: JsonObject = {
          room_id: roomId,
          type: 'm.room.message',
          sender: bob,
          content: { msgtype: 'm.text', body: `txn ${t} pdu ${i}` },
          depth,
          origin_server_ts: Date.now(),
          prev_events: prevs,
          auth_events: authEvents,
        };
        const pdu = signEvent(template, p.config.serverName, p.context.signingKey, version) as Pdu;
        const id = computeEventId(pdu, version);
        pdus.push(pdu);
        sentIds.push(id);
        prevs = [id];
      }
      const txnStarted = performance.now();
      try {
        const answer = await p.context.federation.client.request<{
          pdus: Record<string, { error?: string }>;
        }>(a.config.serverName, 'PUT', `/_matrix/federation/v1/send/load-${t}`, {
          body: {
            origin: p.config.serverName,
            origin_server_ts: Date.now(),
            pdus,
            edus: [],
          },
        });
        latencies.push(performance.now() - txnStarted);
        for (const [id, result] of Object.entries(answer.pdus)) {
          if (result.error !== undefined) recordError(`${id}: ${result.error}`);
        }
      } catch (error) {
        recordError(`transaction ${t}: ${String(error)}`);
      }
      if (t % 50 === 0) sampleRss();
    }
    const elapsedMs = performance.now() - started;
    const missing = sentIds.filter(
      (id) =>
        rooms.eventStore.getEvent(id) === undefined ||
        rooms.eventStore.isRejected(id) ||
        rooms.eventStore.getEventState(id) === undefined,
    ).length;
    return {
      transactions: options.transactions,
      pdus: sentIds.length,
      errors,
      errorSamples,
      missing,
      latency: summariseLatency(latencies),
      transactionsPerSecond: (options.transactions * 1000) / elapsedMs,
      pdusPerSecond: (sentIds.length * 1000) / elapsedMs,
    };
  }
}
