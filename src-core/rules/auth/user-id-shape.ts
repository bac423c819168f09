/**
 * The little identifier grammar the auth rules need (spec appendix "Identifier Grammar"): the
 * server name of a user/room/event ID, and whether a string is a user ID at all.
 */

const MAX_USER_ID_BYTES = 255;
const utf8 = new TextEncoder();

/**
 * Server name grammar: a DNS name, an IPv4 literal or a bracketed IPv6 literal, then an optional
 * port. Deliberately no stricter than Synapse's `parse_and_validate_server_name`, so that we
 * never reject an event Synapse accepts.
 */
const SERVER_NAME = /^(?:\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9.-]{1,255})(?::[0-9]{1,5})?$/;

export function isValidServerName(name: string): boolean {
  return SERVER_NAME.test(name);
}

/**
 * The part after the first `:` of a sigil-prefixed ID (`@user:server`, `$id:server`, `!room:server`),
 * or undefined when there is none. Historical IDs may contain further colons (ports, IPv6).
 */
export function serverNameOf(id: string): string | undefined {
  const colon = id.indexOf(':');
  return colon < 0 ? undefined : id.slice(colon + 1);
}

/**
 * A user ID as the auth rules validate `sender`, power-level `users` keys and v12
 * `additional_creators`: `@`, a localpart (historical localparts are tolerated, so anything
 * without `:`), `:`, a valid server name, at most 255 bytes in all.
 */
export function isValidUserId(userId: string): boolean {
  if (!userId.startsWith('@')) return false;
  if (utf8.encode(userId).length > MAX_USER_ID_BYTES) return false;
  const server = serverNameOf(userId);
  return server !== undefined && isValidServerName(server);
}

/**
 * The looser test Synapse applies to power-level `users` keys (`UserID.from_string`: sigil and a
 * colon, server name unchecked). Using the strict test there would make us reject power-level
 * events that the rest of the federation accepts.
 */
export function hasUserIdShape(userId: string): boolean {
  return userId.startsWith('@') && userId.indexOf(':', 1) > 0;
}
