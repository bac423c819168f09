/**
 * Server ACLs (client-server API "Server Access Control Lists (ACLs) for rooms", event
 * `m.room.server_acl`; server-server API "Server Access Control Lists"): whether a server may
 * take part in a room, in the spec's order —
 *
 * 1. no ACL event in the room state → allow;
 * 2. the host is an IP literal and `allow_ip_literals` is `false` → deny;
 * 3. the host matches a `deny` glob → deny;
 * 4. the host matches an `allow` glob → allow;
 * 5. otherwise deny.
 *
 * The port is never considered. Content is read leniently, as Synapse does
 * (`server_acl_evaluator_from_event`): a non-boolean `allow_ip_literals` counts as `true`, a
 * non-list `allow`/`deny` as empty (so a malformed `allow` denies everyone), non-string entries
 * are ignored. Globs match case-insensitively like Synapse's (host names are case-insensitive in
 * DNS, so `EVIL.example` must not slip past a `deny` of `evil.example`).
 */
import type { JsonObject } from './json';
import { isIpv4Literal } from './identifiers/server-name';

export interface ServerAcl {
  readonly allowIpLiterals: boolean;
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function parseServerAcl(content: JsonObject): ServerAcl {
  const flag = content['allow_ip_literals'];
  return {
    allowIpLiterals: typeof flag === 'boolean' ? flag : true,
    allow: stringList(content['allow']),
    deny: stringList(content['deny']),
  };
}

/** The server name without its port; IPv6 literals keep their brackets. */
export function hostOfServerName(serverName: string): string {
  if (serverName.startsWith('[')) {
    const close = serverName.indexOf(']');
    return close === -1 ? serverName : serverName.slice(0, close + 1);
  }
  const colon = serverName.indexOf(':');
  return colon === -1 ? serverName : serverName.slice(0, colon);
}

function isIpLiteralHost(host: string): boolean {
  return host.startsWith('[') || isIpv4Literal(host);
}

/**
 * Spec appendix "Glob-style matching": `*` matches zero or more characters, `?` exactly one,
 * over the whole string. Greedy two-pointer matching with one backtrack point, so hostile
 * patterns like `*a*a*a*…b` stay O(pattern × text) instead of exploding like a naive regex.
 */
export function globMatches(pattern: string, text: string): boolean {
  const p = Array.from(pattern.toLowerCase());
  const t = Array.from(text.toLowerCase());
  let pi = 0;
  let ti = 0;
  let star = -1;
  let resume = 0;
  while (ti < t.length) {
    const pc = p[pi];
    if (pc !== undefined && pc !== '*' && (pc === '?' || pc === t[ti])) {
      pi++;
      ti++;
    } else if (pc === '*') {
      star = pi++;
      resume = ti;
    } else if (star !== -1) {
      pi = star + 1;
      ti = ++resume;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

/** Whether `serverName` (port allowed, ignored) passes `acl`. */
export function isServerAllowedByAcl(acl: ServerAcl, serverName: string): boolean {
  const host = hostOfServerName(serverName);
  if (!acl.allowIpLiterals && isIpLiteralHost(host)) return false;
  if (acl.deny.some((glob) => globMatches(glob, host))) return false;
  return acl.allow.some((glob) => globMatches(glob, host));
}

/** The whole check from the room's current `m.room.server_acl` content (undefined: no ACL). */
export function serverAclAllows(content: JsonObject | undefined, serverName: string): boolean {
  return content === undefined || isServerAllowedByAcl(parseServerAcl(content), serverName);
}
