/**
 * Send-to-device messaging (spec: client-server "Send-to-Device messaging"). Messages for local
 * devices are stored in the device inbox at a shared stream position and delivered by /sync
 * until acknowledged; messages for remote users are handed to outbound listeners grouped by
 * destination (federation wraps them in `m.direct_to_device` EDUs).
 */
import type { AccountService } from '../accounts/account-service';
import type { JsonObject } from '../rules/json';
import { serverNameOf } from '../rules/identifiers/server-name-of';
import type { Database } from '../storage/database';
import type { DeviceInboxStore, InboxMessage } from '../storage/device-inbox-store';
import type { StreamCounter } from '../storage/stream-counter';
import type { SyncNotifier } from './notifier';

/** `{ userId: { deviceId or "*": content } }`, the body shape of PUT /sendToDevice. */
export type ToDeviceMessages = Record<string, Record<string, JsonObject>>;

export interface OutboundToDevice {
  destination: string;
  sender: string;
  type: string;
  messageId: string;
  messages: ToDeviceMessages;
}

export type OutboundToDeviceListener = (outbound: OutboundToDevice) => void;

export class ToDeviceService {
  private readonly outboundListeners = new Set<OutboundToDeviceListener>();

  constructor(
    private readonly serverName: string,
    private readonly db: Database,
    private readonly inbox: DeviceInboxStore,
    private readonly accounts: AccountService,
    private readonly stream: StreamCounter,
    private readonly notifier: SyncNotifier,
  ) {}

  onOutbound(listener: OutboundToDeviceListener): () => void {
    this.outboundListeners.add(listener);
    return () => this.outboundListeners.delete(listener);
  }

  /** From a local client: local recipients get inbox rows, remote ones go to listeners. */
  sendFromLocal(sender: string, type: string, messageId: string, messages: ToDeviceMessages): void {
    const remote = new Map<string, ToDeviceMessages>();
    const local: ToDeviceMessages = {};
    for (const [userId, devices] of Object.entries(messages)) {
      const server = serverNameOf(userId);
      if (server === undefined) continue;
      if (server === this.serverName) {
        local[userId] = devices;
      } else {
        let forServer = remote.get(server);
        if (!forServer) {
          forServer = {};
          remote.set(server, forServer);
        }
        forServer[userId] = devices;
      }
    }
    this.deliverLocal(sender, type, local);
    for (const [destination, forServer] of remote) {
      for (const listener of this.outboundListeners) {
        listener({ destination, sender, type, messageId, messages: forServer });
      }
    }
  }

  /** From an `m.direct_to_device` EDU: only this server's users are considered. */
  deliverRemoteToDevice(sender: string, type: string, messages: ToDeviceMessages): void {
    const local: ToDeviceMessages = {};
    for (const [userId, devices] of Object.entries(messages)) {
      if (serverNameOf(userId) === this.serverName) local[userId] = devices;
    }
    this.deliverLocal(sender, type, local);
  }

  /** Pending messages for the device up to `upTo` (oldest first, at most `limit`). */
  pending(userId: string, deviceId: string, upTo: number, limit: number): InboxMessage[] {
    return this.inbox.pending(userId, deviceId, upTo, limit);
  }

  /** The device synced with a token at `upTo`: everything up to there was received. */
  acknowledge(userId: string, deviceId: string, upTo: number): void {
    this.inbox.acknowledge(userId, deviceId, upTo);
  }

  private deliverLocal(sender: string, type: string, messages: ToDeviceMessages): void {
    const woken = new Set<string>();
    this.db.transaction(() => {
      for (const [userId, devices] of Object.entries(messages)) {
        const known = new Set(this.accounts.listDevices(userId).map((d) => d.deviceId));
        for (const [deviceId, content] of Object.entries(devices)) {
          // Unknown devices are skipped silently, as Synapse does.
          const targets = deviceId === '*' ? [...known] : known.has(deviceId) ? [deviceId] : [];
          for (const target of targets) {
            this.inbox.add(userId, target, { streamId: this.stream.next(), sender, type, content });
            woken.add(userId);
          }
        }
      }
    });
    if (woken.size > 0) this.notifier.notify({ userIds: woken });
  }
}
