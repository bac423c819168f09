/**
 * Typing notifications (spec: client-server "Typing Notifications"): ephemeral, held in
 * memory only. Every change bumps one serial; a room remembers the serial of its last change,
 * so /sync sends a room's typing list when that serial passed the token's typing part.
 *
 * Entries expire on their own timer; `stop()` clears them all. Local changes are announced to
 * listeners (federation sends `m.typing` EDUs from there); remote ones come in through
 * `setRemoteTyping`.
 */
import type { SyncNotifier } from './notifier';

/** Synapse caps the client's timeout the same way: typing is a short-lived hint. */
export const MAX_TYPING_TIMEOUT_MS = 120_000;
export const DEFAULT_TYPING_TIMEOUT_MS = 30_000;

export interface TypingChange {
  roomId: string;
  userId: string;
  typing: boolean;
  timeoutMs: number;
}

export type TypingListener = (change: TypingChange) => void;

interface RoomTyping {
  /** Serial of the room's last change. */
  serial: number;
  users: Map<string, ReturnType<typeof setTimeout>>;
}

export class TypingService {
  private serialValue = 0;
  private readonly rooms = new Map<string, RoomTyping>();
  private readonly localListeners = new Set<TypingListener>();

  constructor(private readonly notifier: SyncNotifier) {}

  get serial(): number {
    return this.serialValue;
  }

  /** Listeners hear local users' typing changes (for outbound `m.typing` EDUs). */
  onLocalTyping(listener: TypingListener): () => void {
    this.localListeners.add(listener);
    return () => this.localListeners.delete(listener);
  }

  /** A local user started or stopped typing (authorisation is the caller's job). */
  setLocalTyping(roomId: string, userId: string, typing: boolean, timeoutMs: number): void {
    const capped = Math.min(Math.max(0, timeoutMs), MAX_TYPING_TIMEOUT_MS);
    this.set(roomId, userId, typing, capped);
    for (const listener of this.localListeners) {
      listener({ roomId, userId, typing, timeoutMs: capped });
    }
  }

  /** An `m.typing` EDU from another server (the caller checked the origin owns the user). */
  setRemoteTyping(roomId: string, userId: string, typing: boolean, timeoutMs: number): void {
    // Remote servers send no timeout; Synapse expires their typing after 30 s likewise.
    this.set(roomId, userId, typing, Math.min(Math.max(0, timeoutMs), MAX_TYPING_TIMEOUT_MS));
  }

  /** Users typing in the room and the serial of the room's last change. */
  typingIn(roomId: string): { serial: number; userIds: string[] } {
    const room = this.rooms.get(roomId);
    if (!room) return { serial: 0, userIds: [] };
    return { serial: room.serial, userIds: [...room.users.keys()].sort() };
  }

  /** Rooms among `roomIds` whose typing changed after `serial`. */
  changedSince(serial: number, roomIds: Iterable<string>): string[] {
    const changed: string[] = [];
    for (const roomId of roomIds) {
      const room = this.rooms.get(roomId);
      if (room && room.serial > serial) changed.push(roomId);
    }
    return changed;
  }

  stop(): void {
    for (const room of this.rooms.values()) {
      for (const timer of room.users.values()) clearTimeout(timer);
    }
    this.rooms.clear();
  }

  private set(roomId: string, userId: string, typing: boolean, timeoutMs: number): void {
    let room = this.rooms.get(roomId);
    const existing = room?.users.get(userId);
    if (existing !== undefined) clearTimeout(existing);
    if (!typing) {
      if (!room || existing === undefined) return;
      room.users.delete(userId);
    } else {
      if (!room) {
        room = { serial: 0, users: new Map() };
        this.rooms.set(roomId, room);
      }
      const timer = setTimeout(() => this.expire(roomId, userId), timeoutMs);
      timer.unref();
      room.users.set(userId, timer);
      // A refresh of someone already typing changes nothing a client can see.
      if (existing !== undefined) return;
    }
    this.bump(room, roomId);
  }

  private expire(roomId: string, userId: string): void {
    const room = this.rooms.get(roomId);
    if (!room?.users.delete(userId)) return;
    this.bump(room, roomId);
  }

  private bump(room: RoomTyping, roomId: string): void {
    this.serialValue += 1;
    room.serial = this.serialValue;
    this.notifier.notify({ roomIds: [roomId] });
  }
}
