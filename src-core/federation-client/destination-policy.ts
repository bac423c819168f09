/**
 * The operator's federation allow/deny lists (`federation.destinations`, flags
 * `--federation-allow` / `--federation-deny`): which servers we talk to at all, both ways.
 * Outbound requests to a denied destination fail before any DNS or socket work; inbound
 * requests from a denied origin are refused with 403 M_FORBIDDEN.
 *
 * Patterns are the spec's globs (appendix "Glob-style matching", as in server ACLs) and match
 * either the whole server name (`evil.example:8448`) or its host (`*.evil.example`),
 * case-insensitively. `deny` wins over `allow`. Without an `allow` list every server not denied
 * is allowed; with one, loopback servers (localhost, 127.0.0.0/8, [::1]) stay allowed unless a
 * `deny` pattern names them, so a local test federation keeps working under a strict list.
 */
import { globMatches, hostOfServerName } from '../rules/server-acl';
import { FederationRequestError } from './federation-request-error';

export interface DestinationLists {
  /** Only these (plus loopback) when set; everyone not denied when undefined. */
  readonly allow: readonly string[] | undefined;
  readonly deny: readonly string[];
}

export function isLoopbackServerName(serverName: string): boolean {
  const host = hostOfServerName(serverName).toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export class DestinationPolicy {
  constructor(private readonly lists: DestinationLists) {}

  /** Allows everyone: the default configuration. */
  static allowAll(): DestinationPolicy {
    return new DestinationPolicy({ allow: undefined, deny: [] });
  }

  allows(serverName: string): boolean {
    const host = hostOfServerName(serverName);
    const matches = (glob: string): boolean =>
      globMatches(glob, serverName) || globMatches(glob, host);
    if (this.lists.deny.some(matches)) return false;
    if (this.lists.allow === undefined) return true;
    return isLoopbackServerName(serverName) || this.lists.allow.some(matches);
  }
}

/** An outbound request refused by the destination deny/allow lists; nothing was sent. */
export class DestinationDeniedError extends FederationRequestError {
  constructor(destination: string, method: string, path: string) {
    super(
      destination,
      method,
      path,
      'denied',
      `${destination} is denied by this server's federation destination lists`,
    );
    this.name = 'DestinationDeniedError';
  }
}
