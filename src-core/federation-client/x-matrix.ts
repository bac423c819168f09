/**
 * X-Matrix request authentication (server-server API "Request Authentication").
 *
 * The sender signs `{method, uri, origin, destination, content?}` with its server key and sends
 * the signature in `Authorization: X-Matrix origin="…",destination="…",key="…",sig="…"`. The
 * header is an RFC 9110 credentials value: comma-separated `name=value` auth-params whose values
 * are tokens or quoted-strings, names case-insensitive, unknown names ignored.
 */
import type { JsonObject, JsonValue } from '../rules/json';
import { computeJsonSignature } from '../rules/signing/sign-json';
import type { SigningKey } from '../rules/signing/signing-key';
import { verifyJsonSignature } from '../rules/signing/verify-json';

export const X_MATRIX_SCHEME = 'X-Matrix';

/** What a request signature covers. `content` is absent for requests without a body. */
export interface SignedRequestFields {
  method: string;
  /** Path and query string exactly as sent on the request line (still percent-encoded). */
  uri: string;
  origin: string;
  destination: string;
  content?: JsonValue;
}

export interface XMatrixCredentials {
  origin: string;
  /** Absent from servers older than spec v1.3; receivers then assume it was meant for them. */
  destination: string | undefined;
  key: string;
  sig: string;
}

export class XMatrixParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XMatrixParseError';
  }
}

/** The JSON object whose signature authenticates a request. */
export function signedRequestJson(fields: SignedRequestFields): JsonObject {
  const json: JsonObject = {
    method: fields.method,
    uri: fields.uri,
    origin: fields.origin,
    destination: fields.destination,
  };
  if (fields.content !== undefined) json['content'] = fields.content;
  return json;
}

/**
 * Quotes a parameter value. Server names and key IDs never hold `"` or `\`, but escaping keeps
 * the header well-formed whatever we are handed.
 */
function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export function formatXMatrixHeader(credentials: XMatrixCredentials): string {
  const params = [`origin=${quote(credentials.origin)}`];
  if (credentials.destination !== undefined) {
    params.push(`destination=${quote(credentials.destination)}`);
  }
  params.push(`key=${quote(credentials.key)}`, `sig=${quote(credentials.sig)}`);
  return `${X_MATRIX_SCHEME} ${params.join(',')}`;
}

/** Signs a request and returns the full `Authorization` header value. */
export function buildXMatrixAuthorization(fields: SignedRequestFields, key: SigningKey): string {
  const sig = computeJsonSignature(signedRequestJson(fields), key);
  return formatXMatrixHeader({
    origin: fields.origin,
    destination: fields.destination,
    key: key.keyId,
    sig,
  });
}

/** RFC 9110 tchar, plus `:` (key IDs, ports) and `/` (base64) which peers send unquoted. */
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z:/]/;

/**
 * Parses an `Authorization` header value of the X-Matrix scheme. Accepts quoted and unquoted
 * values (Synapse before 1.x sent some unquoted), optional whitespace around `=` and `,`, commas
 * inside quoted values, and any case for the scheme and parameter names. Unquoted values may
 * contain `:` because key IDs (`ed25519:abc`) and server names with ports do.
 */
export function parseXMatrixHeader(header: string): XMatrixCredentials {
  const trimmed = header.trim();
  const space = trimmed.search(/\s/);
  const scheme = space === -1 ? trimmed : trimmed.slice(0, space);
  if (scheme.toLowerCase() !== X_MATRIX_SCHEME.toLowerCase()) {
    throw new XMatrixParseError(`authorization scheme is ${JSON.stringify(scheme)}, not X-Matrix`);
  }
  const params = new Map<string, string>();
  const text = space === -1 ? '' : trimmed.slice(space + 1);
  let i = 0;
  const skipSpaces = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  while (i < text.length) {
    skipSpaces();
    if (text[i] === ',') {
      // Empty list elements are allowed by RFC 9110's list syntax.
      i++;
      continue;
    }
    if (i >= text.length) break;
    const nameStart = i;
    while (i < text.length && /[A-Za-z0-9_-]/.test(text[i] ?? '')) i++;
    const name = text.slice(nameStart, i).toLowerCase();
    if (name === '') throw new XMatrixParseError(`unexpected character at offset ${i}`);
    skipSpaces();
    if (text[i] !== '=') throw new XMatrixParseError(`parameter ${name} has no "="`);
    i++;
    skipSpaces();
    let value = '';
    if (text[i] === '"') {
      i++;
      let closed = false;
      while (i < text.length) {
        const c = text[i] ?? '';
        if (c === '\\') {
          if (i + 1 >= text.length) break;
          value += text[i + 1];
          i += 2;
        } else if (c === '"') {
          closed = true;
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      if (!closed) throw new XMatrixParseError(`parameter ${name} has an unterminated quote`);
    } else {
      const valueStart = i;
      while (i < text.length && TOKEN_CHAR.test(text[i] ?? '')) i++;
      value = text.slice(valueStart, i);
      // Base64 signatures may end in `=` padding, which is outside the token grammar.
      while (text[i] === '=') {
        value += '=';
        i++;
      }
      if (value === '') throw new XMatrixParseError(`parameter ${name} has an empty value`);
    }
    if (params.has(name)) throw new XMatrixParseError(`parameter ${name} appears twice`);
    params.set(name, value);
    skipSpaces();
    if (i < text.length && text[i] !== ',') {
      throw new XMatrixParseError(`expected "," after parameter ${name} at offset ${i}`);
    }
  }
  const required = (name: string): string => {
    const value = params.get(name);
    if (value === undefined || value === '') {
      throw new XMatrixParseError(`X-Matrix header has no ${name}`);
    }
    return value;
  };
  return {
    origin: required('origin'),
    destination: params.get('destination'),
    key: required('key'),
    sig: required('sig'),
  };
}

/** Whether `credentials.sig` is a valid signature of the request by `publicKey`. */
export function verifyXMatrixSignature(
  fields: SignedRequestFields,
  credentials: Pick<XMatrixCredentials, 'origin' | 'key' | 'sig'>,
  publicKey: Uint8Array,
): boolean {
  const signed = {
    ...signedRequestJson(fields),
    signatures: { [credentials.origin]: { [credentials.key]: credentials.sig } },
  };
  return verifyJsonSignature(signed, credentials.origin, credentials.key, publicKey);
}
