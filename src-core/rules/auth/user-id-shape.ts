/**
 * The loose user-ID test Synapse applies to power-level `users` keys (`UserID.from_string`: the
 * `@` sigil and a colon, server name unchecked). The stricter `identifiers/user-id` grammar would
 * make us reject power-level events that the rest of the federation accepts.
 */
export function hasUserIdShape(userId: string): boolean {
  return userId.startsWith('@') && userId.indexOf(':', 1) > 0;
}
