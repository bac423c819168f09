/** What the inbound EDU handlers need from the homeserver. */
import type { Logger } from '../logging/logger';
import type { RoomServices } from '../rooms/room-services';
import type { ReceivedToDeviceStore } from '../storage/received-to-device-store';
import type { ServerSharingStore } from '../storage/server-sharing-store';
import type { SyncServices } from '../sync/sync-services';
import type { Clock } from '../util/clock';
import type { RemoteDeviceLists } from './remote-device-lists';

export interface InboundEduDeps {
  serverName: string;
  rooms: RoomServices;
  sync: SyncServices;
  sharing: ServerSharingStore;
  receivedToDevice: ReceivedToDeviceStore;
  remoteDeviceLists: RemoteDeviceLists;
  clock: Clock;
  /** Malformed or unauthorised EDUs are dropped with a debug line, never failing the `/send`. */
  log: Logger;
}
