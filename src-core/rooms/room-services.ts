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
  }
}
