/**
 * State resolution needs every event of the state sets and of their auth chains: an auth chain
 * with a hole cannot be compared, so the walk stops with this error instead of guessing.
 * Callers (the room service) answer it by fetching the event (`/event_auth`, `/event`) and retrying.
 */
export class MissingEventError extends Error {
  readonly code = 'state_res.missing_event';

  constructor(
    readonly eventId: string,
    /** The event whose `auth_events` (or the state set) named the missing one, if known. */
    readonly referencedBy: string | undefined,
  ) {
    super(
      referencedBy === undefined
        ? `state resolution needs event ${eventId}, which is not available`
        : `state resolution needs event ${eventId} (an auth event of ${referencedBy}), which is not available`,
    );
    this.name = 'MissingEventError';
  }
}
