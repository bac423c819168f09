/**
 * The server part of a user ID, room alias, server-style room ID or v1/v2 event ID: everything
 * after the first `:` (sigil'd localparts never contain one; server names may, for the port or
 * an IPv6 literal). Mirrors Synapse's `get_domain_from_id`, except that it answers `undefined`
 * instead of raising for IDs that have no server part (v3+ event IDs, v12+ room IDs) or an
 * unknown sigil.
 *
 * This does not validate the server name; parse the identifier first when that matters.
 */
const SIGILS = new Set(['@', '!', '$', '#']);

export function serverNameOf(id: string): string | undefined {
  if (!SIGILS.has(id.charAt(0))) return undefined;
  const colon = id.indexOf(':');
  if (colon === -1) return undefined;
  return id.slice(colon + 1);
}
