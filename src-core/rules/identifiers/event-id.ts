/**
 * Event IDs (spec appendix "Event IDs" and the room version pages):
 * - v1/v2: `$opaque:server_name`, chosen by the origin server;
 * - v3: `$` + reference hash in standard unpadded base64 (may contain `/` and `+`);
 * - v4+: `$` + reference hash in URL-safe unpadded base64.
 * Always at most 255 bytes.
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
import { isReferenceHash } from './reference-hash';
import { parseServerName, type ServerName } from './server-name';

export type EventId =
  | {
      readonly kind: 'server';
      readonly opaque: string;
      readonly serverName: string;
      readonly server: ServerName;
    }
  | { readonly kind: 'hash'; readonly hash: string };

export function parseEventId(value: string, version: RoomVersion): IdentifierResult<EventId> {
  if (!value.startsWith('$')) return refuse('event ID does not start with "$"');
  if (utf8ByteLength(value) > MAX_IDENTIFIER_BYTES) {
    return refuse(`event ID is longer than ${MAX_IDENTIFIER_BYTES} bytes`);
  }
  const body = value.slice(1);
  switch (version.eventIdFormat) {
    case 'v3':
      if (!isReferenceHash(body, 'standard')) {
        return refuse('event ID is not "$" + 43 characters of unpadded base64');
      }
      return accept({ kind: 'hash', hash: body });
    case 'v4':
      if (!isReferenceHash(body, 'url')) {
        return refuse('event ID is not "$" + 43 characters of URL-safe unpadded base64');
      }
      return accept({ kind: 'hash', hash: body });
    case 'v1': {
      const colon = body.indexOf(':');
      if (colon === -1) return refuse('event ID has no ":server" part');
      const opaque = body.slice(0, colon);
      if (!isOpaqueLocalpart(opaque)) {
        return refuse('event ID localpart has NUL or an unpaired surrogate');
      }
      const serverName = body.slice(colon + 1);
      const server = parseServerName(serverName);
      if (!server.ok) return refuse(`event ID server name: ${server.reason}`);
      return accept({ kind: 'server', opaque, serverName, server: server.value });
    }
  }
}

export function isValidEventId(value: string, version: RoomVersion): boolean {
  return parseEventId(value, version).ok;
}
