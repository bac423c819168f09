/**
 * What the state-dependent authorization rules keep asking about the room: the create and
 * power-levels events, each user's membership and power level. Built once per `authorizeEvent`.
 */
import type { RoomEvent } from '../events/room-event';
import type { RoomVersion } from '../room-versions';
import type { AuthStateLookup } from './auth-types';
import type { NamedPowerLevel } from './power-levels';
import { namedPowerLevel, userPowerLevel } from './power-levels';

export interface AuthContext {
  readonly event: RoomEvent;
  readonly state: AuthStateLookup;
  readonly version: RoomVersion;
  readonly create: RoomEvent;
  readonly powerLevels: RoomEvent | undefined;
  /** The `membership` of the user's current member event; `leave` when they have none. */
  membershipOf(userId: string): string;
  levelOf(userId: string): number;
  named(name: NamedPowerLevel): number;
}

export function buildAuthContext(
  event: RoomEvent,
  state: AuthStateLookup,
  version: RoomVersion,
  create: RoomEvent,
): AuthContext {
  const powerLevels = state.get('m.room.power_levels', '');
  return {
    event,
    state,
    version,
    create,
    powerLevels,
    membershipOf(userId) {
      const membership = state.get('m.room.member', userId)?.content['membership'];
      return typeof membership === 'string' ? membership : 'leave';
    },
    levelOf: (userId) => userPowerLevel(userId, powerLevels, create, version),
    named: (name) => namedPowerLevel(name, powerLevels, version),
  };
}
