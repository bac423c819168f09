/**
 * Creates an event on behalf of a local user: build on the room's tips, authorise against the
 * state before it (refusing with M_FORBIDDEN and the rule's reason), persist, and hand it to
 * federation in the same transaction so a crash cannot lose the send.
 */
import { MatrixError } from '../http/matrix-error';
import { authorizeEvent } from '../rules/auth/authorize-event';
import type { Pdu } from '../rules/events/pdu';
import type { RoomEvent } from '../rules/events/room-event';
import type { RoomVersion } from '../rules/room-versions';
import type { CurrentStateStore } from '../storage/current-state-store';
import type { PartialStateStore } from '../storage/partial-state-store';
import type { RoomStore } from '../storage/room-store';
import type { EventBuilder, NewEvent } from './event-builder';
import type { EventPersister, PersistedEvent } from './event-persister';
import type { ComputedState, RoomStateService } from './room-state';

/** Where new local PDUs go to reach other servers (the durable outbound queue). */
export interface PduFanout {
  enqueuePdu(destinations: readonly string[], pdu: Pdu): void;
}

export class LocalEventSender {
  private fanout: PduFanout | undefined;

  constructor(
    private readonly serverName: string,
    private readonly rooms: RoomStore,
    private readonly currentState: CurrentStateStore,
    private readonly partialState: PartialStateStore,
    private readonly builder: EventBuilder,
    private readonly persister: EventPersister,
    private readonly roomState: RoomStateService,
  ) {}

  setFanout(fanout: PduFanout): void {
    this.fanout = fanout;
  }

  private versionOf(roomId: string): RoomVersion {
    const version = this.rooms.getRoomVersion(roomId);
    if (!version) throw new MatrixError(404, 'M_NOT_FOUND', `Unknown room ${roomId}`);
    return version;
  }

  /**
   * Servers that should receive an event: those with joined members before or after it (a kick
   * must reach the kicked user's server), plus, while the room is partial-stated, the servers
   * the resident named at join time (we cannot see every member yet).
   */
  destinationsFor(roomId: string, joinedBefore: readonly string[]): string[] {
    return this.withPartialStateServers(roomId, [
      ...joinedBefore,
      ...this.currentState.joinedServers(roomId),
    ]);
  }

  /** `joined` plus the servers a partial-stated room was joined with, minus us, sorted. */
  private withPartialStateServers(roomId: string, joined: readonly string[]): string[] {
    const destinations = new Set(joined);
    for (const server of this.partialState.serversInRoom(roomId)) destinations.add(server);
    destinations.delete(this.serverName);
    return [...destinations].sort();
  }

  /** Builds, authorises and persists a local event; throws MatrixError 403 if the rules refuse it. */
  send(
    spec: NewEvent,
    options: { prepare?: () => void; version?: RoomVersion } = {},
  ): PersistedEvent {
    const version = options.version ?? this.versionOf(spec.roomId);
    const { event, stateBefore } = this.builder.build(spec, version);
    return this.commit(event, stateBefore, version, options);
  }

  /**
   * Authorises and persists an event of ours built elsewhere (the create event, whose room ID
   * may derive from it; an invite the invitee's server has countersigned), then fans it out.
   * `prepare` runs first in the transaction; `extraDestinations` also receive the event.
   */
  commit(
    event: RoomEvent,
    stateBefore: ComputedState,
    version: RoomVersion,
    options: { prepare?: () => void; extraDestinations?: readonly string[] } = {},
  ): PersistedEvent {
    this.authorise(event, stateBefore.state, version);
    const joinedBefore = options.prepare ? [] : this.currentState.joinedServers(event.roomId);
    const partialState = event.prevEventIds.some((id) => this.partialState.isPartialEvent(id));
    const [persisted] = this.persister.persist(
      { timeline: [{ event, stateBefore, partialState }] },
      {
        ...(options.prepare ? { prepare: options.prepare } : {}),
        extra: () => {
          // Only a member event can change who is joined: for anything else the servers read
          // just above are still current, and re-reading them costs O(members) per send.
          const destinations = new Set(
            options.prepare || event.type === 'm.room.member'
              ? this.destinationsFor(event.roomId, joinedBefore)
              : this.withPartialStateServers(event.roomId, joinedBefore),
          );
          for (const server of options.extraDestinations ?? []) {
            if (server !== this.serverName) destinations.add(server);
          }
          if (destinations.size > 0) this.fanout?.enqueuePdu([...destinations].sort(), event.pdu);
        },
      },
    );
    if (!persisted) throw new Error(`event ${event.eventId} was not persisted`);
    return persisted;
  }

  private authorise(
    event: RoomEvent,
    stateBefore: Parameters<RoomStateService['lookup']>[0],
    version: RoomVersion,
  ): void {
    const verdict = authorizeEvent(event, this.roomState.lookup(stateBefore), version);
    if (!verdict.allowed) {
      throw new MatrixError(403, 'M_FORBIDDEN', verdict.reason, {
        'org.skein.auth_rule': verdict.rule,
      });
    }
  }
}
