import type { AuthStateLookup, AuthVerdict } from '../auth/auth-types';
import type { RoomEvent } from '../events/room-event';
import type { RoomVersion } from '../room-versions';
import type { EventLookup } from './auth-chain';

/** The auth rule entry points state resolution needs (injected so tests can observe calls). */
export interface StateResAuthRules {
  authorizeEvent(event: RoomEvent, lookup: AuthStateLookup, version: RoomVersion): AuthVerdict;
  userPowerLevel(
    userId: string,
    powerLevelsEvent: RoomEvent | undefined,
    createEvent: RoomEvent | undefined,
    version: RoomVersion,
  ): number;
}

export interface StateResOptions {
  /**
   * Events rejected by the auth rules. Spec rooms/v2 "Rejected events": a rejected auth event is
   * never used to authorise another event during the iterative auth checks. Defaults to none.
   */
  readonly isRejected?: (eventId: string) => boolean;
}

/** Everything the resolution steps share for one call. */
export interface StateResContext {
  readonly version: RoomVersion;
  readonly getEvent: EventLookup;
  readonly rules: StateResAuthRules;
  readonly isRejected: (eventId: string) => boolean;
  /**
   * The room's create event. v12 events do not cite it in `auth_events` (MSC4291), so the sender
   * power lookups and the auth rules are given it from here.
   */
  readonly createEvent: RoomEvent | undefined;
}
