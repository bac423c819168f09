/**
 * Room aliases (spec appendix "Room Aliases"): `#alias:server_name`, the alias being any scalar
 * value except `:` and NUL, the whole at most 255 bytes.
 */
import {
  MAX_IDENTIFIER_BYTES,
  accept,
  isOpaqueLocalpart,
  refuse,
  utf8ByteLength,
  type IdentifierResult,
} from './identifier-result';
import { parseServerName, type ServerName } from './server-name';

export interface RoomAlias {
  readonly alias: string;
  readonly serverName: string;
  readonly server: ServerName;
}

export function parseRoomAlias(value: string): IdentifierResult<RoomAlias> {
  if (!value.startsWith('#')) return refuse('room alias does not start with "#"');
  if (utf8ByteLength(value) > MAX_IDENTIFIER_BYTES) {
    return refuse(`room alias is longer than ${MAX_IDENTIFIER_BYTES} bytes`);
  }
  const colon = value.indexOf(':');
  if (colon === -1) return refuse('room alias has no ":server" part');
  const alias = value.slice(1, colon);
  if (!isOpaqueLocalpart(alias)) return refuse('room alias has NUL or an unpaired surrogate');
  const serverName = value.slice(colon + 1);
  const server = parseServerName(serverName);
  if (!server.ok) return refuse(`room alias server name: ${server.reason}`);
  return accept({ alias, serverName, server: server.value });
}

export function isValidRoomAlias(value: string): boolean {
  return parseRoomAlias(value).ok;
}
