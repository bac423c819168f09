import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../json';
import { getRoomVersion } from '../room-versions';
import {
  namedPowerLevel,
  parsePowerLevelValue,
  parsePowerLevels,
  privilegedCreators,
  requiredPowerLevelForEvent,
  userPowerLevel,
} from './power-levels';
import { testEvent } from './test-event-builder';

const v1 = getRoomVersion('1');
const v6 = getRoomVersion('6');
const v9 = getRoomVersion('9');
const v10 = getRoomVersion('10');
const v11 = getRoomVersion('11');
const v12 = getRoomVersion('12');

const pl = (content: JsonObject) =>
  testEvent({ id: '$pl', type: 'm.room.power_levels', stateKey: '', sender: '@c:a', content });

describe('parsePowerLevelValue', () => {
  it.each([
    // [value, version, expected]
    [50, v10, 50],
    ['50', v10, undefined],
    ['50', v9, 50],
    [' +0100 ', v9, 100],
    ['-7', v1, -7],
    ['1.5', v1, undefined],
    ['1_000', v1, undefined],
    ['', v1, undefined],
    [50.9, v1, 50],
    [-50.9, v1, -50],
    [50.5, v6, undefined],
    [true, v1, undefined],
    [null, v1, undefined],
  ] as const)('%j in v%s', (value, version, expected) => {
    expect(parsePowerLevelValue(value, version)).toBe(expected);
  });
});

describe('parsePowerLevels', () => {
  it('applies the spec defaults when the event is absent', () => {
    const levels = parsePowerLevels(undefined, v10);
    expect(levels).toMatchObject({
      usersDefault: 0,
      eventsDefault: 0,
      stateDefault: 50,
      ban: 50,
      kick: 50,
      redact: 50,
      invite: 0,
    });
    expect(levels.users.size).toBe(0);
  });

  it('reads maps and named levels, dropping values the version does not accept', () => {
    const content = {
      users: { '@a:a': 100, '@b:a': '20' },
      events: { 'm.room.name': 10 },
      notifications: { room: 20 },
      ban: 60,
      invite: '5',
    };
    const old = parsePowerLevels(content, v9);
    expect(old.users.get('@b:a')).toBe(20);
    expect(old.invite).toBe(5);
    const strict = parsePowerLevels(content, v10);
    expect(strict.users.has('@b:a')).toBe(false);
    expect(strict.invite).toBe(0);
    expect(strict.ban).toBe(60);
    expect(strict.events.get('m.room.name')).toBe(10);
    expect(strict.notifications.get('room')).toBe(20);
  });
});

describe('userPowerLevel', () => {
  const createV10 = testEvent({
    id: '$create',
    type: 'm.room.create',
    stateKey: '',
    sender: '@sender:a',
    content: { creator: '@legacy:a' },
  });
  const createV12 = testEvent({
    id: '$create',
    type: 'm.room.create',
    stateKey: '',
    sender: '@c:a',
    content: { additional_creators: ['@d:b'] },
    roomId: null,
  });

  it('gives content.creator 100 without power levels before v11', () => {
    expect(userPowerLevel('@legacy:a', undefined, createV10, v10)).toBe(100);
    expect(userPowerLevel('@sender:a', undefined, createV10, v10)).toBe(0);
  });

  it('gives the create sender 100 without power levels in v11', () => {
    expect(userPowerLevel('@sender:a', undefined, createV10, v11)).toBe(100);
    expect(userPowerLevel('@legacy:a', undefined, createV10, v11)).toBe(0);
  });

  it('reads users and users_default when power levels exist', () => {
    const levels = pl({ users: { '@x:a': 75 }, users_default: 3 });
    expect(userPowerLevel('@x:a', levels, createV10, v10)).toBe(75);
    expect(userPowerLevel('@legacy:a', levels, createV10, v10)).toBe(3);
  });

  it('gives v12 creators infinite power whatever the power levels say', () => {
    const levels = pl({ users: { '@c:a': 1 }, users_default: 0 });
    expect(userPowerLevel('@c:a', levels, createV12, v12)).toBe(Infinity);
    expect(userPowerLevel('@d:b', levels, createV12, v12)).toBe(Infinity);
    expect(userPowerLevel('@d:b', undefined, createV12, v12)).toBe(Infinity);
    expect(userPowerLevel('@e:b', levels, createV12, v12)).toBe(0);
    expect([...privilegedCreators(createV12, v11)]).toEqual([]);
  });
});

describe('requiredPowerLevelForEvent', () => {
  it('uses events, then state_default / events_default', () => {
    const levels = pl({ events: { 'm.room.name': 20 }, state_default: 40, events_default: 5 });
    expect(requiredPowerLevelForEvent('m.room.name', true, levels, v10)).toBe(20);
    expect(requiredPowerLevelForEvent('m.room.topic', true, levels, v10)).toBe(40);
    expect(requiredPowerLevelForEvent('m.room.message', false, levels, v10)).toBe(5);
  });

  it('defaults to 50 for state and 0 for messages with no power levels', () => {
    expect(requiredPowerLevelForEvent('m.room.topic', true, undefined, v10)).toBe(50);
    expect(requiredPowerLevelForEvent('m.room.message', false, undefined, v10)).toBe(0);
    expect(namedPowerLevel('kick', undefined, v10)).toBe(50);
  });
});
