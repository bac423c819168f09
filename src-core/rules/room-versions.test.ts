import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ROOM_VERSION,
  KNOWN_ROOM_VERSIONS,
  findRoomVersion,
  getRoomVersion,
} from './room-versions';

describe('room version registry', () => {
  it('knows every stable version 1–12 and defaults to 12', () => {
    expect(KNOWN_ROOM_VERSIONS.map((v) => v.id)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '10',
      '11',
      '12',
    ]);
    expect(DEFAULT_ROOM_VERSION).toBe('12');
  });

  it('returns undefined for unknown versions and throws from getRoomVersion', () => {
    expect(findRoomVersion('13')).toBeUndefined();
    expect(findRoomVersion('org.example.custom')).toBeUndefined();
    expect(() => getRoomVersion('0')).toThrow(/unsupported room version/);
  });

  it('switches features on at the versions the spec introduced them', () => {
    const firstWith = (flag: keyof ReturnType<typeof getRoomVersion>) =>
      KNOWN_ROOM_VERSIONS.find((v) => v[flag] === true)?.id;
    expect(firstWith('enforceSigningKeyValidity')).toBe('5');
    expect(firstWith('strictCanonicalJson')).toBe('6');
    expect(firstWith('knock')).toBe('7');
    expect(firstWith('restrictedJoins')).toBe('8');
    expect(firstWith('redactionKeepsJoinAuthorisedVia')).toBe('9');
    expect(firstWith('integerOnlyPowerLevels')).toBe('10');
    expect(firstWith('creatorIsSender')).toBe('11');
    expect(firstWith('privilegedCreators')).toBe('12');
    expect(getRoomVersion('1').stateResolution).toBe('v1');
    expect(getRoomVersion('11').stateResolution).toBe('v2');
    expect(getRoomVersion('12').stateResolution).toBe('v2.1');
    expect(getRoomVersion('5').specialCasedAliasesAuth).toBe(true);
    expect(getRoomVersion('6').specialCasedAliasesAuth).toBe(false);
  });
});
