/**
 * The room directory (client-server API "Room discovery"): which rooms are published, their
 * public summaries for /publicRooms, and who may change publication or delete an alias
 * (Synapse's rule: anyone allowed to send `m.room.canonical_alias` in the room).
 */
import { forbidden, invalidParam, notFound } from '../http/matrix-error';
import type { Logger } from '../logging/logger';
import type { JsonObject } from '../rules/json';
import type { RoomEvent } from '../rules/events/room-event';
import { requiredPowerLevelForEvent, userPowerLevel } from '../rules/auth/power-levels';
import { parseHistoryVisibility } from './history-visibility';
import type { RoomServices } from './room-services';

export interface PublicRoomsQuery {
  limit: number | undefined;
  since: string | undefined;
  searchTerm: string | undefined;
}

export interface PublicRoomsPage {
  chunk: JsonObject[];
  next_batch?: string;
  prev_batch?: string;
  total_room_count_estimate: number;
}

export class RoomDirectory {
  constructor(
    private readonly rooms: RoomServices,
    private readonly logger: Logger,
  ) {}

  private state(roomId: string, type: string): RoomEvent | undefined {
    const id = this.rooms.currentState.getCurrentStateEventId(roomId, type, '');
    return id === undefined ? undefined : this.rooms.eventStore.getEvent(id);
  }

  private string(roomId: string, type: string, field: string): string | undefined {
    const value = this.state(roomId, type)?.content[field];
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  /** May `userId` publish the room or remove its aliases? (power for m.room.canonical_alias) */
  canManage(roomId: string, userId: string): boolean {
    const version = this.rooms.roomStore.getRoomVersion(roomId);
    if (!version) return false;
    if (this.rooms.currentState.membershipOf(roomId, userId)?.membership !== 'join') return false;
    const powerLevels = this.state(roomId, 'm.room.power_levels');
    const level = userPowerLevel(userId, powerLevels, this.state(roomId, 'm.room.create'), version);
    return (
      level >= requiredPowerLevelForEvent('m.room.canonical_alias', true, powerLevels, version)
    );
  }

  visibility(roomId: string): 'public' | 'private' {
    const room = this.rooms.roomStore.getRoom(roomId);
    if (!room) throw notFound(`Unknown room ${roomId}`);
    return room.isPublic ? 'public' : 'private';
  }

  setVisibility(roomId: string, userId: string, visibility: 'public' | 'private'): void {
    if (!this.rooms.roomStore.getRoom(roomId)) throw notFound(`Unknown room ${roomId}`);
    if (!this.canManage(roomId, userId)) {
      throw forbidden(`${userId} may not change the directory visibility of ${roomId}`);
    }
    this.rooms.roomStore.setPublic(roomId, visibility === 'public');
  }

  /**
   * Deletes a local alias: its creator may, and so may whoever can manage the room. When it was
   * the room's canonical alias, the canonical alias event is updated too (best effort: the
   * deleting user may lack the power to send it, as in Synapse).
   */
  deleteAlias(alias: string, userId: string): void {
    this.rooms.aliases.parse(alias);
    const stored = this.rooms.aliases.creatorOf(alias);
    if (!stored) throw notFound(`Room alias ${alias} not found`);
    if (stored.creator !== userId && !this.canManage(stored.roomId, userId)) {
      throw forbidden(`${userId} may not delete room alias ${alias}`);
    }
    this.rooms.aliases.delete(alias);
    const canonical = this.state(stored.roomId, 'm.room.canonical_alias');
    if (!canonical) return;
    const content = { ...canonical.content };
    let changed = false;
    if (content['alias'] === alias) {
      delete content['alias'];
      changed = true;
    }
    const alt = content['alt_aliases'];
    if (Array.isArray(alt) && alt.includes(alias)) {
      content['alt_aliases'] = alt.filter((a) => a !== alias);
      changed = true;
    }
    if (!changed) return;
    try {
      this.rooms.sender.send({
        roomId: stored.roomId,
        type: 'm.room.canonical_alias',
        stateKey: '',
        sender: userId,
        content,
      });
    } catch (error) {
      this.logger.info('canonical alias not updated after alias deletion', {
        room_id: stored.roomId,
        alias,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** The public summary of one room (spec "PublishedRoomsChunk"). */
  summary(roomId: string): JsonObject {
    const joined = this.rooms.currentState.members(roomId, 'join').length;
    const chunk: JsonObject = {
      room_id: roomId,
      num_joined_members: joined,
      world_readable:
        parseHistoryVisibility(
          this.state(roomId, 'm.room.history_visibility')?.content['history_visibility'],
        ) === 'world_readable',
      guest_can_join: this.string(roomId, 'm.room.guest_access', 'guest_access') === 'can_join',
    };
    const name = this.string(roomId, 'm.room.name', 'name');
    const topic = this.string(roomId, 'm.room.topic', 'topic');
    const alias =
      this.string(roomId, 'm.room.canonical_alias', 'alias') ??
      this.rooms.aliases.aliasesOf(roomId)[0];
    const avatar = this.string(roomId, 'm.room.avatar', 'url');
    const joinRule = this.string(roomId, 'm.room.join_rules', 'join_rule');
    const roomType = this.string(roomId, 'm.room.create', 'type');
    if (name !== undefined) chunk['name'] = name;
    if (topic !== undefined) chunk['topic'] = topic;
    if (alias !== undefined) chunk['canonical_alias'] = alias;
    if (avatar !== undefined) chunk['avatar_url'] = avatar;
    if (joinRule !== undefined) chunk['join_rule'] = joinRule;
    if (roomType !== undefined) chunk['room_type'] = roomType;
    return chunk;
  }

  /**
   * Published rooms, most members first (then by room ID, so pages are stable). `since` is an
   * offset token `o<n>` of our own making.
   */
  publicRooms(query: PublicRoomsQuery): PublicRoomsPage {
    const term = query.searchTerm?.toLowerCase();
    const all = this.rooms.roomStore
      .publicRoomIds()
      .map((id) => this.summary(id))
      .filter((chunk) => {
        if (!term) return true;
        return ['name', 'topic', 'canonical_alias'].some((field) => {
          const value = chunk[field];
          return typeof value === 'string' && value.toLowerCase().includes(term);
        });
      })
      .sort(
        (a, b) =>
          (b['num_joined_members'] as number) - (a['num_joined_members'] as number) ||
          ((a['room_id'] as string) < (b['room_id'] as string) ? -1 : 1),
      );
    const offset = parseOffset(query.since);
    const limit = query.limit ?? all.length;
    const chunk = all.slice(offset, offset + limit);
    const page: PublicRoomsPage = { chunk, total_room_count_estimate: all.length };
    if (offset + limit < all.length) page.next_batch = `o${offset + limit}`;
    if (offset > 0) page.prev_batch = `o${Math.max(0, offset - limit)}`;
    return page;
  }
}

function parseOffset(since: string | undefined): number {
  if (since === undefined) return 0;
  const match = /^o(\d{1,9})$/.exec(since);
  if (!match) throw invalidParam('"since" is not a token from this server');
  return Number(match[1]);
}
