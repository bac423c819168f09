import { describe, expect, it } from 'vitest';
import type { RoomEvent } from '../rules/events/room-event';
import {
  findMissingPartialStateMemberships,
  memberEventFromAuthEvents,
} from './partial-state-memberships';

/** Only the fields the lookup reads; the rest of a RoomEvent does not matter here. */
function event(
  eventId: string,
  type: string,
  sender: string,
  authEventIds: string[],
  stateKey?: string,
): RoomEvent {
  return { eventId, type, sender, authEventIds, stateKey } as unknown as RoomEvent;
}

const create = event('$create', 'm.room.create', '@alice:a', []);
const aliceJoin = event('$alice', 'm.room.member', '@alice:a', ['$create'], '@alice:a');
const carolJoin = event('$carol', 'm.room.member', '@carol:c', ['$create'], '@carol:c');
const power = event('$power', 'm.room.power_levels', '@alice:a', ['$create', '$alice']);
const byId = new Map([create, aliceJoin, carolJoin, power].map((e) => [e.eventId, e]));
const getEvent = (id: string) => byId.get(id);

describe('memberEventFromAuthEvents', () => {
  it('finds the sender’s membership among the auth events', () => {
    const message = event('$m', 'm.room.message', '@alice:a', ['$create', '$power', '$alice']);
    expect(memberEventFromAuthEvents(message, '@alice:a', getEvent)).toBe('$alice');
  });

  it('ignores other users’ memberships and unknown auth events', () => {
    const message = event('$m', 'm.room.message', '@alice:a', ['$carol', '$missing']);
    expect(memberEventFromAuthEvents(message, '@alice:a', getEvent)).toBeUndefined();
  });
});

describe('findMissingPartialStateMemberships', () => {
  const aliceMessage = event('$m1', 'm.room.message', '@alice:a', ['$create', '$alice']);
  const carolMessage = event('$m2', 'm.room.message', '@carol:c', ['$create', '$carol']);
  const first = new Map([
    ['@alice:a', aliceMessage],
    ['@carol:c', carolMessage],
  ]);

  it('fills only the members the partial state lacks', () => {
    const known = (member: string) => (member === '@carol:c' ? '$carol-in-state' : undefined);
    const found = findMissingPartialStateMemberships(
      ['@alice:a', '@carol:c', '@bob:b'],
      known,
      first,
      getEvent,
    );
    expect([...found]).toEqual([['@alice:a', '$alice']]);
  });

  it('finds nothing for a member with no timeline event', () => {
    const found = findMissingPartialStateMemberships(['@dave:d'], () => undefined, first, getEvent);
    expect(found.size).toBe(0);
  });
});
