/**
 * Hostile and failing residents on the join (issue 7 §2): Skein joins through the bad resident
 * first and the good one second. The bad one fails `make_join` or `send_join` in each way; the
 * join must go through the good one with nothing of the bad answer stored, and the resync then
 * finishes with the good resident's state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeerJsonObject } from '../demo/test-peer/peer-json';
import type { FaultCase, HostileRoom, HostileSetup } from './hostile-peers-harness';
import {
  expectFinishedLikeGood,
  expectStatusOk,
  joinVia,
  linesAbout,
  scriptRoom,
  startHostileSetup,
  stopHostileSetup,
  transportFaults,
  waitFor,
  withBadHash,
  withBadSignature,
} from './hostile-peers-harness';

let setup: HostileSetup | undefined;
beforeAll(async () => {
  setup = await startHostileSetup();
});
afterAll(() => stopHostileSetup(setup));

/** A full send_join answer for the room as it is now, with `edit` applied to its state. */
function sendJoinBody(
  { bad }: HostileSetup,
  { room }: HostileRoom,
  edit: (state: PeerJsonObject[], slot: (type: string) => number) => void,
): PeerJsonObject {
  const stateEvents = [...room.currentState().values()].map((id) => room.event(id));
  const state = stateEvents.map((e) => e.pdu);
  edit(state, (type) => stateEvents.findIndex((e) => e.type === type));
  return {
    origin: bad.serverName,
    members_omitted: false,
    state,
    auth_chain: room.authChain(stateEvents.map((e) => e.eventId)).map((e) => e.pdu),
  };
}

interface JoinFaultCase extends FaultCase {
  /** Events of the bad answer that must not be stored. */
  notStored?: (s: HostileRoom) => string[];
}

const JOIN_FAULT_CASES: JoinFaultCase[] = [
  ...transportFaults('make_join', 'event'),
  {
    endpoint: 'make_join',
    fault: 'sends a template for another room',
    arm: ({ bad, user }, { otherCreate }) =>
      bad.respondWith('make_join', {
        room_version: '11',
        event: {
          type: 'm.room.member',
          room_id: (otherCreate.pdu['room_id'] as string) ?? '',
          sender: user.userId,
          state_key: user.userId,
          content: { membership: 'join' },
        },
      }),
  },
  ...transportFaults('send_join', 'state'),
  {
    endpoint: 'send_join',
    fault: 'sends an event with a bad signature',
    arm: (s, h) =>
      s.bad.respondWith(
        'send_join',
        sendJoinBody(s, h, (state, slot) => {
          const at = slot('m.room.join_rules');
          state[at] = withBadSignature(state[at] as PeerJsonObject);
        }),
      ),
  },
  {
    endpoint: 'send_join',
    fault: 'sends an event with a bad hash',
    outcome: 'redacted',
    tampered: (h) => ({
      eventId: h.room.stateEvent('m.room.name', '')?.eventId ?? '',
      field: 'name',
    }),
    arm: (s, h) =>
      s.bad.respondWith(
        'send_join',
        sendJoinBody(s, h, (state, slot) => {
          const at = slot('m.room.name');
          state[at] = withBadHash(state[at] as PeerJsonObject, 'name', 'EVIL');
        }),
      ),
  },
  {
    endpoint: 'send_join',
    fault: 'sends state that fails auth',
    notStored: (h) => [h.forgedPowerLevels.eventId],
    arm: (s, h) =>
      s.bad.respondWith(
        'send_join',
        sendJoinBody(s, h, (state, slot) => {
          state[slot('m.room.power_levels')] = h.forgedPowerLevels.pdu;
        }),
      ),
  },
  {
    endpoint: 'send_join',
    fault: 'sends a different create event',
    notStored: (h) => [h.otherCreate.eventId],
    arm: (s, h) =>
      s.bad.respondWith(
        'send_join',
        sendJoinBody(s, h, (state, slot) => {
          state[slot('m.room.create')] = h.otherCreate.pdu;
        }),
      ),
  },
];

describe('a resident failing the join, then a good one', () => {
  for (const c of JOIN_FAULT_CASES) {
    it(`${c.endpoint} ${c.fault}`, async () => {
      const s = setup as HostileSetup;
      const { skein, good, bad } = s;
      const { rooms, resync } = skein.context;
      const scripted = scriptRoom(s, 'members');
      const roomId = scripted.room.roomId;
      await c.arm(s, scripted);
      const logMark = s.logs.length;
      try {
        expectStatusOk(await joinVia(s, scripted.room, [bad, good]));
        expect(bad.requestCount(c.endpoint)).toBeGreaterThan(0);
        const joinId = skein.context.rooms.currentState.getCurrentStateEventId(
          roomId,
          'm.room.member',
          s.user.userId,
        );
        if (c.outcome === 'redacted') {
          // Check 3: the tampered event is kept in its redacted form; the join goes through.
          const { eventId, field } = c.tampered?.(scripted) ?? { eventId: '', field: '' };
          expect(rooms.eventStore.getEvent(eventId)?.content[field]).toBeUndefined();
          // The bad peer's static answer never took the join in: let the room learn it.
          const join = joinId === undefined ? undefined : rooms.eventStore.getEvent(joinId);
          if (join && !scripted.room.has(join.eventId))
            scripted.room.receive(join.pdu as unknown as PeerJsonObject);
        } else {
          expect(good.requestCount('send_join')).toBeGreaterThan(0);
          expect(rooms.partialState.getRoom(roomId)?.joinedVia).toBe(good.serverName);
          const refusals = linesAbout(s, logMark).filter((l) =>
            l.message.includes('via a server failed'),
          );
          expect(refusals.length).toBe(1);
          expect(String(refusals[0]?.fields['error'])).not.toBe('');
          for (const id of c.notStored?.(scripted) ?? [])
            expect(rooms.eventStore.hasEvent(id), `${id} stored`).toBe(false);
        }
        // Faults stay armed until the end: a held send_join released now would take a second
        // join of the same user into the script's truth.
        resync.get(roomId)?.resume();
        await waitFor('the resync', () => !rooms.partialState.isPartialRoom(roomId));
        expectFinishedLikeGood(s, scripted);
      } finally {
        bad.clearFaults();
        good.clearFaults();
      }
    });
  }
});
