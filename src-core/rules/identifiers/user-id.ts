/**
 * User IDs (spec appendix "User Identifiers"): `@localpart:server_name`, at most 255 bytes.
 *
 * Two grammars, because the spec has two audiences:
 * - `strict`: what a server may allocate today: localpart of `a-z 0-9 . _ = - / +`, non-empty.
 * - `historical`: what must still be accepted in events over federation ("Historical User IDs"):
 *   any Unicode scalar value except `:` and NUL, even an empty localpart.
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

export type UserIdGrammar = 'strict' | 'historical';

export interface UserId {
  readonly localpart: string;
  readonly serverName: string;
  readonly server: ServerName;
  /**
   * False for a historical localpart the spec calls non-compliant (empty, or holding characters
   * outside U+0021–U+007E): such IDs are accepted in events but SHOULD NOT be forwarded to
   * clients outside an event context.
   */
  readonly compliant: boolean;
}

const STRICT_LOCALPART = /^[a-z0-9._=\-/+]+$/;
const COMPLIANT_LOCALPART = /^[\u0021-\u007e]+$/;

export function parseUserId(value: string, grammar: UserIdGrammar): IdentifierResult<UserId> {
  if (!value.startsWith('@')) return refuse('user ID does not start with "@"');
  if (utf8ByteLength(value) > MAX_IDENTIFIER_BYTES) {
    return refuse(`user ID is longer than ${MAX_IDENTIFIER_BYTES} bytes`);
  }
  // The localpart can never contain ':', so the first colon ends it (the server part may not:
  // ports and IPv6 literals have colons).
  const colon = value.indexOf(':');
  if (colon === -1) return refuse('user ID has no ":server" part');
  const localpart = value.slice(1, colon);
  const serverName = value.slice(colon + 1);
  if (grammar === 'strict') {
    if (!STRICT_LOCALPART.test(localpart)) {
      return refuse(
        localpart === ''
          ? 'user ID localpart is empty'
          : 'user ID localpart has characters outside a-z 0-9 . _ = - / +',
      );
    }
  } else if (!isOpaqueLocalpart(localpart)) {
    return refuse('user ID localpart has NUL or an unpaired surrogate');
  }
  const server = parseServerName(serverName);
  if (!server.ok) return refuse(`user ID server name: ${server.reason}`);
  return accept({
    localpart,
    serverName,
    server: server.value,
    compliant: COMPLIANT_LOCALPART.test(localpart),
  });
}

export function isValidUserId(value: string, grammar: UserIdGrammar): boolean {
  return parseUserId(value, grammar).ok;
}
