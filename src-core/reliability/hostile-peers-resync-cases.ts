/**
 * The fault table for the resync's endpoints (`/state_ids`, `/state`, `/event`): one case per
 * (endpoint, fault), armed on the bad resident. Bad data that needs two endpoints to agree (a
 * forged state event must be both listed and served) arms both.
 */
import type { DagEvent } from '../demo/test-peer/dag-event';
import type { PeerJsonObject } from '../demo/test-peer/peer-json';
import type { FaultCase, HostileRoom, HostileSetup, RoomShape } from './hostile-peers-harness';
import {
  genuine,
  replaceIn,
  stateUri,
  transportFaults,
  withBadHash,
  withBadSignature,
} from './hostile-peers-harness';

export interface ResyncFaultCase extends FaultCase {
  shape: RoomShape;
}

const ids = (body: PeerJsonObject): string[] => body['pdu_ids'] as string[];
const pdus = (body: PeerJsonObject): PeerJsonObject[] => body['pdus'] as PeerJsonObject[];

/** `/state_ids` naming `by` in place of `replaced`, and (if `alsoState`) `/state` serving it. */
async function armForgedState(
  { bad, good }: Pick<HostileSetup, 'bad' | 'good'>,
  { room, last }: HostileRoom,
  replaced: DagEvent,
  by: DagEvent,
  alsoState: boolean,
): Promise<void> {
  const stateIds = await genuine(good, stateUri('state_ids', room, last.eventId));
  bad.respondWith('state_ids', {
    ...stateIds,
    pdu_ids: replaceIn(ids(stateIds), (id) => id === replaced.eventId, by.eventId),
  });
  if (alsoState) {
    const state = await genuine(good, stateUri('state', room, last.eventId));
    bad.respondWith('state', {
      ...state,
      pdus: replaceIn(pdus(state), (p) => sameSlot(p, replaced), by.pdu),
    });
  }
}

/** PDUs carry no event ID (room v3+): find one by its state slot. */
const sameSlot = (pdu: PeerJsonObject, event: DagEvent): boolean =>
  pdu['type'] === event.type && pdu['state_key'] === event.stateKey;

export const RESYNC_FAULT_CASES: ResyncFaultCase[] = [
  // ----- /state_ids -----
  ...transportFaults('state_ids', 'pdu_ids').map((c) => ({ ...c, shape: 'members' as const })),
  {
    endpoint: 'state_ids',
    fault: 'lists state that fails auth',
    shape: 'members',
    arm: (setup, s) => armForgedState(setup, s, s.malloryJoin, s.forgedMalloryJoin, false),
  },
  {
    endpoint: 'state_ids',
    fault: 'lists a different create event',
    shape: 'members',
    arm: (setup, s) => armForgedState(setup, s, s.room.createEvent, s.otherCreate, false),
  },
  // ----- /state -----
  ...transportFaults('state', 'pdus').map((c) => ({ ...c, shape: 'members' as const })),
  {
    endpoint: 'state',
    fault: 'sends an event with a bad signature',
    shape: 'members',
    arm: async ({ bad, good }, { room, last, malloryJoin }) => {
      const state = await genuine(good, stateUri('state', room, last.eventId));
      bad.respondWith('state', {
        ...state,
        pdus: replaceIn(
          pdus(state),
          (p) => sameSlot(p, malloryJoin),
          withBadSignature(malloryJoin.pdu),
        ),
      });
    },
  },
  {
    endpoint: 'state',
    fault: 'sends an event with a bad hash',
    shape: 'members',
    outcome: 'redacted',
    tampered: (s) => ({ eventId: s.malloryJoin.eventId, field: 'displayname' }),
    arm: async ({ bad, good }, { room, last, malloryJoin }) => {
      const state = await genuine(good, stateUri('state', room, last.eventId));
      bad.respondWith('state', {
        ...state,
        pdus: replaceIn(
          pdus(state),
          (p) => sameSlot(p, malloryJoin),
          withBadHash(malloryJoin.pdu, 'displayname', 'EVIL'),
        ),
      });
    },
  },
  {
    endpoint: 'state',
    fault: 'sends state that fails auth',
    shape: 'members',
    arm: (setup, s) => armForgedState(setup, s, s.malloryJoin, s.forgedMalloryJoin, true),
  },
  {
    endpoint: 'state',
    fault: 'sends a different create event',
    shape: 'members',
    arm: (setup, s) => armForgedState(setup, s, s.room.createEvent, s.otherCreate, true),
  },
  // ----- /event (few events missing) -----
  ...transportFaults('event', 'pdus').map((c) => ({ ...c, shape: 'state' as const })),
  {
    endpoint: 'event',
    fault: 'sends an event with a bad signature',
    shape: 'state',
    arm: ({ bad }, { malloryJoin }) =>
      bad.respondWith('event', { pdus: [withBadSignature(malloryJoin.pdu)] }),
  },
  {
    endpoint: 'event',
    fault: 'sends an event with a bad hash',
    shape: 'state',
    outcome: 'redacted',
    tampered: (s) => ({ eventId: s.malloryJoin.eventId, field: 'displayname' }),
    // Mallory's join is the first event asked for; the rest come through untouched.
    arm: ({ bad }, { malloryJoin }) =>
      bad.respondWith(
        'event',
        { pdus: [withBadHash(malloryJoin.pdu, 'displayname', 'EVIL')] },
        { times: 1 },
      ),
  },
  {
    endpoint: 'event',
    fault: 'sends an event that fails auth',
    shape: 'state',
    arm: ({ bad }, { forgedMalloryJoin }) =>
      bad.respondWith('event', { pdus: [forgedMalloryJoin.pdu] }),
  },
  {
    endpoint: 'event',
    fault: 'sends a different create event',
    shape: 'state',
    arm: ({ bad }, { otherCreate }) => bad.respondWith('event', { pdus: [otherCreate.pdu] }),
  },
];
