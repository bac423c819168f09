import { describe, expect, it } from 'vitest';
import type { RoomEvent } from '../events/room-event';
import type { StateKey } from '../events/state-map';
import { stateKey } from '../events/state-map';
import { getRoomVersion } from '../room-versions';
import {
  authLookupFromAuthEvents,
  authLookupFromEvents,
  authLookupFromStateMap,
} from './auth-lookup';
import { testEvent } from './test-event-builder';

const create = testEvent({ id: '$create', type: 'm.room.create', stateKey: '', sender: '@a:a' });
const pl = testEvent({ id: '$pl', type: 'm.room.power_levels', stateKey: '', sender: '@a:a' });
const pl2 = testEvent({ id: '$pl2', type: 'm.room.power_levels', stateKey: '', sender: '@a:a' });
const msg = testEvent({ id: '$msg', type: 'm.room.message', sender: '@a:a' });

describe('authLookupFromEvents', () => {
  it('finds state events by type and state key, later ones winning, ignoring messages', () => {
    const lookup = authLookupFromEvents([create, pl, pl2, msg]);
    expect(lookup.get('m.room.create', '')?.eventId).toBe('$create');
    expect(lookup.get('m.room.power_levels', '')?.eventId).toBe('$pl2');
    expect(lookup.get('m.room.message', '')).toBeUndefined();
    expect(lookup.get('m.room.member', '@a:a')).toBeUndefined();
  });
});

describe('authLookupFromAuthEvents', () => {
  const event = testEvent({ id: '$e', type: 'm.room.message', sender: '@a:a', auth: ['$pl'] });

  it('keeps only the cited events', () => {
    const lookup = authLookupFromAuthEvents(event, [create, pl, pl2], getRoomVersion('11'), create);
    expect(lookup.get('m.room.power_levels', '')?.eventId).toBe('$pl');
    // Before v12 the create event must be cited to count.
    expect(lookup.get('m.room.create', '')).toBeUndefined();
  });

  it('adds the create event found from the room ID in v12', () => {
    const lookup = authLookupFromAuthEvents(event, [pl], getRoomVersion('12'), create);
    expect(lookup.get('m.room.create', '')?.eventId).toBe('$create');
  });
});

describe('authLookupFromStateMap', () => {
  it('resolves state keys through the getter and reads missing events as absent', () => {
    const state = new Map<StateKey, string>([
      [stateKey('m.room.create', ''), '$create'],
      [stateKey('m.room.power_levels', ''), '$gone'],
    ]);
    const events = new Map<string, RoomEvent>([['$create', create]]);
    const lookup = authLookupFromStateMap(state, (id) => events.get(id));
    expect(lookup.get('m.room.create', '')?.eventId).toBe('$create');
    expect(lookup.get('m.room.power_levels', '')).toBeUndefined();
    expect(lookup.get('m.room.join_rules', '')).toBeUndefined();
  });
});
