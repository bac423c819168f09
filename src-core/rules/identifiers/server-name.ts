/**
 * Server names (spec appendix "Server Name"):
 *
 *     server_name = hostname [ ":" port ]
 *     hostname    = IPv4address / "[" IPv6address "]" / dns-name
 *
 * IPv4 literals are four decimal numbers 0–255; IPv6 literals follow RFC 3513 §2.2 (RFC 4291).
 * DNS names are dot-separated labels of letters, digits and hyphens. Server names are
 * case-sensitive, so nothing here lower-cases.
 */
import { accept, refuse, type IdentifierResult } from './identifier-result';

export type HostKind = 'dns' | 'ipv4' | 'ipv6';

export interface ServerName {
  /** The hostname as written; IPv6 literals keep their brackets. */
  readonly host: string;
  readonly hostKind: HostKind;
  readonly port: number | undefined;
}

/** `dns-name = 1*255dns-char`; we hold the whole server name to the same bound. */
export const MAX_SERVER_NAME_LENGTH = 255;

const DNS_LABEL = /^[A-Za-z0-9-]+$/;
const PORT = /^[0-9]{1,5}$/;
const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const DECIMAL_OCTET = /^[0-9]{1,3}$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

export function isIpv4Literal(text: string): boolean {
  const parts = text.split('.');
  return (
    parts.length === 4 && parts.every((part) => DECIMAL_OCTET.test(part) && Number(part) <= 255)
  );
}

/** RFC 4291 §2.2 text forms: eight hex groups, one `::` elision, optional dotted-quad tail. */
export function isIpv6Literal(text: string): boolean {
  // The appendix grammar bounds the literal: IPv6address = 2*45IPv6char.
  if (text.length < 2 || text.length > 45) return false;
  let groups = text;
  let tailGroups = 0;
  const lastColon = text.lastIndexOf(':');
  if (lastColon === -1) return false;
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!isIpv4Literal(tail)) return false;
    groups = text.slice(0, lastColon + 1);
    // Keep the separator so `::1.2.3.4` leaves `::` and `a:b::c:1.2.3.4` leaves `…c:` to trim.
    if (!groups.endsWith('::')) groups = groups.slice(0, -1);
    tailGroups = 2;
  }
  const halves = groups.split('::');
  if (halves.length > 2) return false;
  const parse = (half: string): string[] | undefined => {
    if (half === '') return [];
    const parts = half.split(':');
    return parts.every((part) => HEX_GROUP.test(part)) ? parts : undefined;
  };
  const head = parse(halves[0] ?? '');
  if (head === undefined) return false;
  if (halves.length === 1) return head.length + tailGroups === 8;
  const rest = parse(halves[1] ?? '');
  if (rest === undefined) return false;
  // `::` stands for at least one zero group.
  return head.length + rest.length + tailGroups <= 7;
}

function isDnsName(text: string): boolean {
  if (text.length === 0 || text.length > MAX_SERVER_NAME_LENGTH) return false;
  // Empty labels (leading, trailing or doubled dots) are not hostnames (RFC 1123 §2.1), and
  // Synapse refuses them too.
  return text.split('.').every((label) => DNS_LABEL.test(label));
}

export function parseServerName(value: string): IdentifierResult<ServerName> {
  if (value.length === 0) return refuse('server name is empty');
  if (value.length > MAX_SERVER_NAME_LENGTH) {
    return refuse(`server name is longer than ${MAX_SERVER_NAME_LENGTH} characters`);
  }
  let host: string;
  let portText: string | undefined;
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    if (close === -1) return refuse('IPv6 literal has no closing "]"');
    host = value.slice(0, close + 1);
    const after = value.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) return refuse('unexpected text after IPv6 literal');
      portText = after.slice(1);
    }
  } else {
    const colon = value.indexOf(':');
    host = colon === -1 ? value : value.slice(0, colon);
    portText = colon === -1 ? undefined : value.slice(colon + 1);
  }

  let port: number | undefined;
  if (portText !== undefined) {
    if (!PORT.test(portText)) return refuse(`port ${JSON.stringify(portText)} is not 1–5 digits`);
    port = Number(portText);
    if (port > 65535) return refuse(`port ${port} is above 65535`);
  }

  if (host.startsWith('[')) {
    if (!isIpv6Literal(host.slice(1, -1))) return refuse(`${host} is not an IPv6 literal`);
    return accept({ host, hostKind: 'ipv6', port });
  }
  // Four all-digit labels read as an IPv4 literal, never as a DNS name, so `1.2.3.256` is refused
  // rather than smuggled in as a hostname.
  if (IPV4_SHAPE.test(host)) {
    if (!isIpv4Literal(host)) return refuse(`${host} is not an IPv4 literal (octets are 0–255)`);
    return accept({ host, hostKind: 'ipv4', port });
  }
  if (!isDnsName(host)) return refuse(`${JSON.stringify(host)} is not a DNS name`);
  return accept({ host, hostKind: 'dns', port });
}

export function isValidServerName(value: string): boolean {
  return parseServerName(value).ok;
}
