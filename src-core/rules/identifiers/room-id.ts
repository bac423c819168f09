/**
 * Room IDs (spec appendix "Room IDs", changed in v1.16):
 * - rooms v1–v11: `!opaque:server_name`, opaque being any scalar value except `:` and NUL;
 * - rooms v12+ (MSC4291): the create event's ID with `!` for `$`, i.e. `!` + 43 characters of
 *   URL-safe unpadded base64 (its reference hash), and no server part.
 * Either way at most 255 bytes.
 */
import type { RoomVersion } from '../room-versions';
import {
  MAX_IDENTIFIER_BYTES,
  accept,
  isOpaqueLocalpart,
  refuse,
  utf8ByteLength,
  type IdentifierResult,
} from './identifier-result';
import { parseServerName, type ServerName } from './server-name';
import { isReferenceHash } from './reference-hash';

export type RoomId =
  | {
      readonly kind: 'server';
      readonly opaque: string;
      readonly serverName: string;
      readonly server: ServerName;
    }
  | { readonly kind: 'hash'; readonly hash: string };

export function parseRoomId(value: string, version: RoomVersion): IdentifierResult<RoomId> {
  if (!value.startsWith('!')) return refuse('room ID does not start with "!"');
  if (utf8ByteLength(value) > MAX_IDENTIFIER_BYTES) {
    return refuse(`room ID is longer than ${MAX_IDENTIFIER_BYTES} bytes`);
  }
  const body = value.slice(1);
  if (version.roomIdFromCreateEvent) {
    // The create event ID is a v4-style (URL-safe) reference hash.
    if (!isReferenceHash(body, 'url')) {
      return refuse('room ID is not "!" + 43 characters of URL-safe unpadded base64');
    }
    return accept({ kind: 'hash', hash: body });
  }
  const colon = body.indexOf(':');
  if (colon === -1) return refuse('room ID has no ":server" part');
  const opaque = body.slice(0, colon);
  if (!isOpaqueLocalpart(opaque))
    return refuse('room ID localpart has NUL or an unpaired surrogate');
  const serverName = body.slice(colon + 1);
  const server = parseServerName(serverName);
  if (!server.ok) return refuse(`room ID server name: ${server.reason}`);
  return accept({ kind: 'server', opaque, serverName, server: server.value });
}

export function isValidRoomId(value: string, version: RoomVersion): boolean {
  return parseRoomId(value, version).ok;
}

/** v12+: the ID of the create event a room ID was derived from (`!x` → `$x`). */
export function createEventIdOfRoom(roomId: string): string {
  return `$${roomId.slice(1)}`;
}
