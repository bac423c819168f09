import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../json';
import { getRoomVersion } from '../room-versions';
import { selectAuthEventIds, selectAuthEventKeys } from './auth-event-selection';
import { authLookupFromEvents } from './auth-lookup';
import { testEvent } from './test-event-builder';

const v7 = getRoomVersion('7');
const v8 = getRoomVersion('8');
const v11 = getRoomVersion('11');
const v12 = getRoomVersion('12');

const keys = (
  version: typeof v11,
  type: string,
  stateKey: string | undefined,
  sender: string,
  content: JsonObject = {},
) =>
  selectAuthEventKeys(type, stateKey, sender, content, version).map(
    (k) => `${k.type}|${k.stateKey}`,
  );

describe('selectAuthEventKeys', () => {
  it('cites nothing for the create event', () => {
    expect(keys(v11, 'm.room.create', '', '@a:a')).toEqual([]);
  });

  it('cites create, power levels and the sender for a message before v12', () => {
    expect(keys(v11, 'm.room.message', undefined, '@a:a')).toEqual([
      'm.room.create|',
      'm.room.power_levels|',
      'm.room.member|@a:a',
    ]);
  });

  it('never cites the create event in v12 (MSC4291)', () => {
    expect(keys(v12, 'm.room.message', undefined, '@a:a')).toEqual([
      'm.room.power_levels|',
      'm.room.member|@a:a',
    ]);
  });

  it('adds target and join rules for a join/invite/knock, not for leave/ban', () => {
    expect(keys(v11, 'm.room.member', '@b:b', '@a:a', { membership: 'invite' })).toEqual([
      'm.room.create|',
      'm.room.power_levels|',
      'm.room.member|@a:a',
      'm.room.member|@b:b',
      'm.room.join_rules|',
    ]);
    expect(keys(v7, 'm.room.member', '@b:b', '@b:b', { membership: 'knock' })).toContain(
      'm.room.join_rules|',
    );
    expect(keys(v11, 'm.room.member', '@b:b', '@a:a', { membership: 'ban' })).toEqual([
      'm.room.create|',
      'm.room.power_levels|',
      'm.room.member|@a:a',
      'm.room.member|@b:b',
    ]);
  });

  it('does not list the sender twice for their own membership', () => {
    expect(keys(v12, 'm.room.member', '@a:a', '@a:a', { membership: 'leave' })).toEqual([
      'm.room.power_levels|',
      'm.room.member|@a:a',
    ]);
  });

  it('adds the third-party invite named by signed.token', () => {
    const content = { membership: 'invite', third_party_invite: { signed: { token: 'tok' } } };
    expect(keys(v11, 'm.room.member', '@b:b', '@a:a', content)).toContain(
      'm.room.third_party_invite|tok',
    );
    const notInvite = { ...content, membership: 'join' };
    expect(keys(v11, 'm.room.member', '@a:a', '@a:a', notInvite)).not.toContain(
      'm.room.third_party_invite|tok',
    );
  });

  it('adds the authorising user for restricted joins from v8 only', () => {
    const content = { membership: 'join', join_authorised_via_users_server: '@mod:c' };
    expect(keys(v8, 'm.room.member', '@b:b', '@b:b', content)).toContain('m.room.member|@mod:c');
    expect(keys(v7, 'm.room.member', '@b:b', '@b:b', content)).not.toContain(
      'm.room.member|@mod:c',
    );
  });
});

describe('selectAuthEventIds', () => {
  it('returns the ids of the selected events that exist, in selection order', () => {
    const state = authLookupFromEvents([
      testEvent({ id: '$jr', type: 'm.room.join_rules', stateKey: '', sender: '@a:a' }),
      testEvent({ id: '$create', type: 'm.room.create', stateKey: '', sender: '@a:a' }),
      testEvent({ id: '$pl', type: 'm.room.power_levels', stateKey: '', sender: '@a:a' }),
      testEvent({ id: '$topic', type: 'm.room.topic', stateKey: '', sender: '@a:a' }),
    ]);
    expect(
      selectAuthEventIds('m.room.member', '@b:b', '@b:b', { membership: 'join' }, v11, state),
    ).toEqual(['$create', '$pl', '$jr']);
    expect(
      selectAuthEventIds('m.room.member', '@b:b', '@b:b', { membership: 'join' }, v12, state),
    ).toEqual(['$pl', '$jr']);
  });
});
