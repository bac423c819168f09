/**
 * The embedded demo federation ("Try a demo"): started in-process on demand, on loopback, beside
 * the local homeserver. It is
 *   - a real Skein homeserver (the resident) holding a generated room: thousands of members from
 *     fake servers, history with forks;
 *   - the scripted test peer, adopted into that room as a second resident, which plays the seed's
 *     stale-moderator case (demo-stale-moderator.ts);
 * and the local admin user partially joins the room through the resident with the resync paused
 * at J, then receives the peer's stale-auth events and the resident's chatter while partial, so
 * stepping or resuming the resync shows state resets appear.
 */
import { performance } from 'node:perf_hooks';
import type { HomeserverContext } from '../homeserver-context';
import { ResyncStore } from '../storage/resync-store';
import { ServerKeyStore } from '../storage/server-key-store';
import type { PeerJsonObject } from './test-peer/peer-json';
import { TestPeer } from './test-peer/test-peer';
import { trustFakeServerKeys } from './fake-servers';
import { fetchServerCertificate } from './loopback-certificate';
import type { DemoResidentServer } from './demo-resident-server';
import { startDemoResidentServer } from './demo-resident-server';
import { generateRoom, generatorResident } from './room-generator';
import { playStaleModeratorPrelude, sendStaleModeratorEvents } from './demo-stale-moderator';
import { waitUntil } from './demo-wait';

export interface DemoFederationOptions {
  /** Generated remote members (N) and the fake servers they come from (M). */
  members: number;
  servers: number;
  /** Messages in the generated history before our join. */
  messages: number;
  /** Messages the resident's creator sends after our join (they arrive while partial). */
  chatter: number;
  seed: number;
}

export const DEFAULT_DEMO_OPTIONS: DemoFederationOptions = {
  members: 3_000,
  servers: 6,
  messages: 600,
  chatter: 300,
  seed: 7,
};

/** Room version of the demo room (one the test peer hosts). */
const DEMO_ROOM_VERSION = '11';

/** One step of the setup, for the admin stream's log view. */
export type DemoReporter = (message: string, fields?: Record<string, unknown>) => void;

export interface DemoTimings {
  startServersMs: number;
  generateMs: number;
  adoptMs: number;
  preludeMs: number;
  joinMs: number;
  trickyMs: number;
  totalMs: number;
}

export interface DemoFederationDeps {
  local: HomeserverContext;
  /** Joins the local admin user to `roomId` through `via` (the admin API's own join). */
  join: (roomId: string, via: string[]) => Promise<string>;
  report?: DemoReporter;
}

export class DemoFederation {
  private readonly abort = new AbortController();
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly roomId: string,
    readonly residentServerName: string,
    readonly peerServerName: string,
    readonly timings: DemoTimings,
    private readonly resident: DemoResidentServer,
    private readonly peer: TestPeer,
    private chatter: Promise<void>,
  ) {}

  /** Resolves once the local server has partially joined and holds the stale-auth events. */
  static async start(
    deps: DemoFederationDeps,
    options: DemoFederationOptions = DEFAULT_DEMO_OPTIONS,
  ): Promise<DemoFederation> {
    const report: DemoReporter = deps.report ?? (() => undefined);
    const { local } = deps;
    const started = performance.now();
    let mark = started;
    const lap = (): number => {
      const now = performance.now();
      const ms = Math.round(now - mark);
      mark = now;
      return ms;
    };

    report('demo: starting a resident Skein server and the scripted test peer');
    const [resident, peer] = await Promise.all([startDemoResidentServer(), TestPeer.start()]);
    const residentHs = resident.homeserver;
    const timings: Partial<DemoTimings> = { startServersMs: lap() };
    try {
      report(`demo: generating a room of ${options.members} members on ${options.servers} servers`);
      const generated = generateRoom(generatorResident(residentHs.context), {
        members: options.members,
        servers: options.servers,
        messages: options.messages,
        seed: options.seed,
        roomVersion: DEMO_ROOM_VERSION,
        creatorLocalpart: 'demo-creator',
      });
      timings.generateMs = lap();
      report('demo: room generated', {
        room_id: generated.roomId,
        events: generated.eventCount,
        ms: timings.generateMs,
      });

      // The peer becomes a second resident: it learns the room from the resident's events.
      const rows = residentHs.context.database.sqlite
        .prepare('SELECT json FROM events WHERE room_id = ? ORDER BY stream_ordering')
        .all(generated.roomId) as { json: string }[];
      const room = peer.adoptRoom(
        DEMO_ROOM_VERSION,
        generated.roomId,
        rows.map((row) => JSON.parse(row.json) as PeerJsonObject),
      );
      timings.adoptMs = lap();

      report('demo: the test peer plays the stale moderator before our join');
      const prelude = await playStaleModeratorPrelude(peer, room, residentHs, generated.creator);
      timings.preludeMs = lap();

      // The local server verifies the fake servers' signatures and the two demo servers' TLS.
      trustFakeServerKeys(
        new ServerKeyStore(local.database),
        generated.fakeServers,
        local.clock.now(),
      );
      for (const port of [residentHs.port, peer.port]) {
        local.federation.client.trustCertificate(await fetchServerCertificate('127.0.0.1', port));
      }
      // Paused before it exists: the resync reads this when the join creates it, so it waits at J.
      new ResyncStore(local.database).setControl(generated.roomId, {
        paused: true,
        throttleEventsPerSecond: null,
      });
      report('demo: joining the room partially (resync paused at J)');
      await deps.join(generated.roomId, [residentHs.config.serverName]);
      const joinEventId = local.rooms.partialState.getRoom(generated.roomId)?.joinEventId;
      if (!joinEventId) {
        throw new Error(`the demo join into ${generated.roomId} was not partial`);
      }
      timings.joinMs = lap();

      // The resident fans J out to the peer; the peer's stale events build on it.
      await waitUntil('the peer to receive our join', () => room.has(joinEventId));
      const tricky = await sendStaleModeratorEvents(peer, room, prelude, local.serverName);
      await waitUntil('the local server to store the stale-auth events', () =>
        [tricky.demotion, tricky.topic, tricky.kick].every(
          (e) => local.rooms.eventStore.getEvent(e.eventId) !== undefined,
        ),
      );
      timings.trickyMs = lap();
      timings.totalMs = Math.round(performance.now() - started);
      report('demo: ready', { room_id: generated.roomId, ...timings });

      const demo = new DemoFederation(
        generated.roomId,
        residentHs.config.serverName,
        peer.serverName,
        timings as DemoTimings,
        resident,
        peer,
        Promise.resolve(),
      );
      demo.chatter = demo.sendChatter(generated.creator, options.chatter, report);
      return demo;
    } catch (error) {
      await Promise.allSettled([resident.stop(), peer.stop()]);
      throw error;
    }
  }

  /** The resident's creator keeps talking after our join: partial events for the DAG to fill. */
  private async sendChatter(creator: string, count: number, report: DemoReporter): Promise<void> {
    const { rooms } = this.resident.homeserver.context;
    try {
      for (let i = 1; i <= count && !this.abort.signal.aborted; i++) {
        rooms.sender.send({
          roomId: this.roomId,
          type: 'm.room.message',
          sender: creator,
          content: { msgtype: 'm.text', body: `chatter ${i} of ${count}` },
        });
        // Ten every 100 ms: the person (and the e2e test) sees the DAG fill over a few seconds.
        if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      report('demo: the resident sent its chatter', { messages: count });
    } catch (error) {
      if (!this.abort.signal.aborted) report('demo: chatter failed', { error: String(error) });
    }
  }

  /** Stops the demo servers (the local server keeps the room it joined). Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort.abort();
      await this.chatter;
      await Promise.allSettled([this.resident.stop(), this.peer.stop()]);
    })();
    return this.stopping;
  }
}
