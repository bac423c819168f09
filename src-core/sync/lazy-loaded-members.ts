/**
 * Which membership events each device has already been sent, per room, for lazy-loading
 * members (spec: "Lazy-loading room members"). With `include_redundant_members` false, /sync
 * skips a sender's member event the device already has.
 *
 * Kept in memory like Synapse's cache: losing it (restart, eviction) only means sending some
 * member events again, which clients accept. An initial sync starts the device afresh.
 */
import { LruCache } from '../util/lru-cache';

type RoomMembers = Map<string, string>;

export class LazyLoadedMembersCache {
  private readonly devices = new LruCache<string, Map<string, RoomMembers>>(10_000);

  private key(userId: string, deviceId: string): string {
    return `${userId}\u0000${deviceId}`;
  }

  /** The member event ID of `member` last sent to the device for the room, if any. */
  sent(userId: string, deviceId: string, roomId: string, member: string): string | undefined {
    return this.devices.get(this.key(userId, deviceId))?.get(roomId)?.get(member);
  }

  record(userId: string, deviceId: string, roomId: string, member: string, eventId: string): void {
    const key = this.key(userId, deviceId);
    let rooms = this.devices.get(key);
    if (!rooms) {
      rooms = new Map();
      this.devices.set(key, rooms);
    }
    let members = rooms.get(roomId);
    if (!members) {
      members = new Map();
      rooms.set(roomId, members);
    }
    members.set(member, eventId);
  }

  forgetRoom(userId: string, deviceId: string, roomId: string): void {
    this.devices.get(this.key(userId, deviceId))?.delete(roomId);
  }

  forgetDevice(userId: string, deviceId: string): void {
    this.devices.delete(this.key(userId, deviceId));
  }
}
