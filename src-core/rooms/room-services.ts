/**
 * The room subsystem of one homeserver: its stores and the services built on them, wired once.
 */
import type { Logger } from '../logging/logger';
import type { SigningKey } from '../rules/signing/signing-key';
import { CurrentStateStore } from '../storage/current-state-store';
import type { Database } from '../storage/database';
import { EventStore } from '../storage/event-store';
import { PartialStateStore } from '../storage/partial-state-store';
import { RoomStore } from '../storage/room-store';
import { StateStore } from '../storage/state-store';
import type { StreamCounter } from '../storage/stream-counter';
import type { Clock } from '../util/clock';
import { EventBuilder } from './event-builder';
import { EventPersister } from './event-persister';
import { LocalEventSender } from './local-event-sender';
import { RoomCreator } from './room-creator';
import { RoomStateService } from './room-state';
import { ClientTxnStore } from '../storage/client-txn-store';
import { ForgottenRoomStore } from '../storage/forgotten-room-store';
import { RedactionStore } from '../storage/redaction-store';
import { RoomAliasStore } from '../storage/room-alias-store';
import { TopologicalTimelineStore } from '../storage/topological-timeline-store';
import { EventVisibility } from './event-visibility';
import type { ProfileSource } from './member-profile';
import { noProfiles } from './member-profile';
import { RedactionApplier } from './redaction-applier';
import type { RemoteMembership } from './remote-membership';
import { unavailableRemoteMembership } from './remote-membership';
import { RoomAccess } from './room-access';
import { RoomAliasService } from './room-alias-service';
import { RoomMembershipService } from './room-membership-service';

export class RoomServices {
  readonly roomStore: RoomStore;
  readonly eventStore: EventStore;
  readonly stateStore: StateStore;
  readonly currentState: CurrentStateStore;
  readonly partialState: PartialStateStore;
  readonly roomState: RoomStateService;
  readonly persister: EventPersister;
  readonly builder: EventBuilder;
  readonly sender: LocalEventSender;
  readonly creator: RoomCreator;
  // Client-API room services (room-membership-service.ts and friends).
  readonly clientTxns: ClientTxnStore;
  readonly forgotten: ForgottenRoomStore;
  readonly redactions: RedactionStore;
  readonly timeline: TopologicalTimelineStore;
  readonly visibility: EventVisibility;
  readonly access: RoomAccess;
  readonly aliases: RoomAliasService;
  readonly membership: RoomMembershipService;
  private remote: RemoteMembership = unavailableRemoteMembership;
  private profiles: ProfileSource = noProfiles;

  constructor(deps: {
    database: Database;
    serverName: string;
    signingKey: SigningKey;
    clock: Clock;
    stream: StreamCounter;
    logger: Logger;
  }) {
    const { database, serverName, signingKey, clock, stream } = deps;
    this.roomStore = new RoomStore(database);
    this.eventStore = new EventStore(database, this.roomStore, stream);
    this.stateStore = new StateStore(database);
    this.currentState = new CurrentStateStore(database);
    this.partialState = new PartialStateStore(database);
    this.roomState = new RoomStateService(this.eventStore, this.stateStore);
    this.persister = new EventPersister(
      database,
      this.roomStore,
      this.eventStore,
      this.stateStore,
      this.currentState,
      this.roomState,
      stream,
      clock,
    );
    this.builder = new EventBuilder(serverName, signingKey, clock, this.eventStore, this.roomState);
    this.sender = new LocalEventSender(
      serverName,
      this.roomStore,
      this.currentState,
      this.partialState,
      this.builder,
      this.persister,
      this.roomState,
    );
    this.creator = new RoomCreator(serverName, this.roomStore, this.builder, this.sender, clock);

    this.clientTxns = new ClientTxnStore(database);
    this.forgotten = new ForgottenRoomStore(database);
    this.redactions = new RedactionStore(database);
    this.timeline = new TopologicalTimelineStore(database);
    // Redactions are applied in the transaction that persists them (or their target), whether
    // they come from a client or from federation.
    this.persister.inTransaction(
      new RedactionApplier(
        this.roomStore,
        this.eventStore,
        this.stateStore,
        this.currentState,
        this.redactions,
      ).apply,
    );
    this.visibility = new EventVisibility(this.eventStore, this.stateStore, this.timeline);
    this.access = new RoomAccess(
      this.roomStore,
      this.eventStore,
      this.stateStore,
      this.currentState,
    );
    this.aliases = new RoomAliasService(
      serverName,
      this.roomStore,
      this.currentState,
      new RoomAliasStore(database),
      () => this.remote,
    );
    this.membership = new RoomMembershipService({
      serverName,
      rooms: this.roomStore,
      events: this.eventStore,
      currentState: this.currentState,
      partialState: this.partialState,
      sender: this.sender,
      aliases: this.aliases,
      forgotten: this.forgotten,
      remote: () => this.remote,
      profiles: () => this.profiles,
    });
  }

  /** Federation installs its make_join/send_join, invite and directory-query implementation. */
  setRemoteMembership(remote: RemoteMembership): void {
    this.remote = remote;
  }

  get remoteMembership(): RemoteMembership {
    return this.remote;
  }

  /** Local users' profiles, for the displayname/avatar_url of member events. */
  setProfileSource(profiles: ProfileSource): void {
    this.profiles = profiles;
  }

  get profileSource(): ProfileSource {
    return this.profiles;
  }
}
