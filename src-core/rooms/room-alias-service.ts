/**
 * Room aliases: ours live in `room_aliases`; other servers' are resolved through the
 * RemoteMembership hook (federation query/directory). Deleting an alias that is the room's
 * canonical alias is the caller's business (see RoomDirectoryService).
 */
import { MatrixError, invalidParam, notFound } from '../http/matrix-error';
import { parseRoomAlias } from '../rules/identifiers/room-alias';
import type { CurrentStateStore } from '../storage/current-state-store';
import type { RoomAliasStore } from '../storage/room-alias-store';
import type { RoomStore } from '../storage/room-store';
import type { RemoteMembership } from './remote-membership';

export interface ResolvedAlias {
  roomId: string;
  servers: string[];
}

export class RoomAliasService {
  constructor(
    private readonly serverName: string,
    private readonly rooms: RoomStore,
    private readonly currentState: CurrentStateStore,
    private readonly store: RoomAliasStore,
    private readonly remote: () => RemoteMembership,
  ) {}

  /** 400 M_INVALID_PARAM unless `alias` is a valid alias; returns its server name. */
  parse(alias: string): string {
    const parsed = parseRoomAlias(alias);
    if (!parsed.ok)
      throw invalidParam(`Invalid room alias ${JSON.stringify(alias)}: ${parsed.reason}`);
    return parsed.value.serverName;
  }

  isLocal(alias: string): boolean {
    return this.parse(alias) === this.serverName;
  }

  /** Servers to try for a local room: us first, then the other servers with joined members. */
  serversFor(roomId: string): string[] {
    return [
      this.serverName,
      ...this.currentState
        .joinedServers(roomId)
        .filter((s) => s !== this.serverName)
        .sort(),
    ];
  }

  /**
   * Creates a local alias. `conflictCode` picks the spec's answer for a taken alias: 409
   * M_UNKNOWN for PUT /directory/room, 400 M_ROOM_IN_USE for createRoom's room_alias_name.
   */
  create(
    alias: string,
    roomId: string,
    creator: string,
    conflict: 'directory' | 'createRoom',
  ): void {
    if (!this.isLocal(alias)) {
      throw invalidParam(`Room alias ${alias} must be on this server (${this.serverName})`);
    }
    if (!this.rooms.getRoom(roomId)) throw notFound(`Unknown room ${roomId}`);
    if (!this.store.insert({ alias, roomId, creator, servers: [this.serverName] })) {
      throw conflict === 'directory'
        ? new MatrixError(409, 'M_UNKNOWN', `Room alias ${alias} already exists`)
        : new MatrixError(400, 'M_ROOM_IN_USE', `Room alias ${alias} already exists`);
    }
  }

  isTaken(alias: string): boolean {
    return this.store.get(alias) !== undefined;
  }

  /** 404 M_NOT_FOUND for an alias that does not exist (here, or on its own server). */
  async resolve(alias: string): Promise<ResolvedAlias> {
    if (!this.isLocal(alias)) {
      const remote = await this.remote().resolveRemoteAlias(alias);
      if (!remote) throw notFound(`Room alias ${alias} not found`);
      return remote;
    }
    const stored = this.store.get(alias);
    if (!stored) throw notFound(`Room alias ${alias} not found`);
    return { roomId: stored.roomId, servers: this.serversFor(stored.roomId) };
  }

  creatorOf(alias: string): { roomId: string; creator: string } | undefined {
    const stored = this.store.get(alias);
    return stored && { roomId: stored.roomId, creator: stored.creator };
  }

  delete(alias: string): boolean {
    return this.store.delete(alias);
  }

  aliasesOf(roomId: string): string[] {
    return this.store.aliasesOfRoom(roomId);
  }
}
