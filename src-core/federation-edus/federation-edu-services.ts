/**
 * EDUs over federation, both ways, wired once at start: local typing, public receipts,
 * to-device messages for remote users and presence changes go out through the durable outbound
 * queue; `/send` EDUs are routed by `edu_type` to their handlers; a finished resync replays the
 * device-list updates held back for its room.
 *
 * Nothing here sends an EDU on its own initiative: every outbound one follows a client action.
 */
import type { HomeserverContext } from '../homeserver-context';
import { DeviceListStore } from '../storage/device-list-store';
import { ReceivedToDeviceStore } from '../storage/received-to-device-store';
import { ServerSharingStore } from '../storage/server-sharing-store';
import type { InboundEduDeps } from './inbound-edu-deps';
import { receiveDeviceListUpdateEdu, receiveSigningKeyUpdateEdu } from './inbound-device-lists';
import { receivePresenceEdu } from './inbound-presence';
import { receiveReceiptEdu } from './inbound-receipts';
import { receiveToDeviceEdu } from './inbound-to-device';
import { receiveTypingEdu } from './inbound-typing';
import { sendPresenceEdu } from './outbound-presence';
import { sendReceiptEdu } from './outbound-receipts';
import { sendToDeviceEdu } from './outbound-to-device';
import { sendTypingEdu } from './outbound-typing';
import { RemoteDeviceLists } from './remote-device-lists';

/** Received to-device message IDs are kept this long; senders give up retrying well before. */
export const TO_DEVICE_DEDUPE_MS = 7 * 24 * 60 * 60 * 1000;

export interface FederationEduServices {
  readonly remoteDeviceLists: RemoteDeviceLists;
  /** Detaches every listener (tests; the homeserver lives as long as its process). */
  detach(): void;
}

export function wireFederationEdus(context: HomeserverContext): FederationEduServices {
  const { serverName, rooms, sync, database, clock } = context;
  const queue = context.federation.outboundQueue;
  const log = context.logger.child({ component: 'federation-edus' });
  const outbound = { serverName, rooms, queue, now: () => clock.now() };

  const remoteDeviceLists = new RemoteDeviceLists({
    serverName,
    rooms,
    store: new DeviceListStore(database),
    deviceLists: sync.deviceLists,
    clock,
  });
  const receivedToDevice = new ReceivedToDeviceStore(database);
  receivedToDevice.pruneBefore(clock.now() - TO_DEVICE_DEDUPE_MS);
  const inbound: InboundEduDeps = {
    serverName,
    rooms,
    sync,
    sharing: new ServerSharingStore(database),
    receivedToDevice,
    remoteDeviceLists,
    clock,
    log,
  };

  const detachers = [
    sync.typing.onLocalTyping((change) => sendTypingEdu(outbound, change)),
    sync.receipts.onLocalReceipt((receipt) => sendReceiptEdu(outbound, receipt)),
    sync.toDevice.onOutbound((message) => sendToDeviceEdu(outbound, message)),
    sync.presence.onLocalPresence((presence) => sendPresenceEdu(outbound, presence)),
    context.resync.observe({
      completed: (roomId) => {
        const replayed = remoteDeviceLists.roomFullyStated(roomId);
        if (replayed > 0) log.debug('replayed pending device-list updates', { room_id: roomId });
      },
    }),
  ];

  const incoming = context.federationEvents.incoming;
  incoming.routeEdu('m.typing', (origin, content) => receiveTypingEdu(inbound, origin, content));
  incoming.routeEdu('m.receipt', (origin, content) => receiveReceiptEdu(inbound, origin, content));
  incoming.routeEdu('m.direct_to_device', (origin, content) =>
    receiveToDeviceEdu(inbound, origin, content),
  );
  incoming.routeEdu('m.presence', (origin, content) =>
    receivePresenceEdu(inbound, origin, content),
  );
  incoming.routeEdu('m.device_list_update', (origin, content) =>
    receiveDeviceListUpdateEdu(inbound, origin, content),
  );
  incoming.routeEdu('m.signing_key_update', (origin, content) =>
    receiveSigningKeyUpdateEdu(inbound, origin, content),
  );

  return {
    remoteDeviceLists,
    detach: () => {
      for (const detachOne of detachers) detachOne();
    },
  };
}
