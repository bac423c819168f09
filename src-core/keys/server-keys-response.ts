/**
 * Checking a server-keys object (`GET /_matrix/key/v2/server`, or one entry of a notary's
 * `/_matrix/key/v2/query` answer) before trusting any key in it: it must name the server we
 * asked about, be well-formed, and be signed by that server with a key it lists — every
 * signature by a listed key must verify, and at least one must exist (as Synapse's keyring).
 */
import { decodeBase64 } from '../rules/base64';
import type { JsonObject } from '../rules/json';
import { isJsonObject } from '../rules/json';
import { ED25519_PUBLIC_KEY_BYTES } from '../rules/signing/sodium';
import { checkSignatures } from '../rules/signing/verify-json';

export interface VerifiedKey {
  keyId: string;
  publicKey: Uint8Array;
  publicKeyBase64: string;
  /** Set for `old_verify_keys`. */
  expiredTs: number | undefined;
}

export interface VerifiedServerKeys {
  serverName: string;
  validUntilTs: number;
  keys: VerifiedKey[];
  /** The object as received, signatures included (a notary serves it on). */
  json: JsonObject;
}

export class ServerKeysError extends Error {
  constructor(
    readonly serverName: string,
    message: string,
  ) {
    super(`keys of ${serverName}: ${message}`);
    this.name = 'ServerKeysError';
  }
}

function parseKeyMap(
  serverName: string,
  value: unknown,
  field: string,
  old: boolean,
): VerifiedKey[] {
  if (value === undefined && old) return [];
  if (!isJsonObject(value)) throw new ServerKeysError(serverName, `${field} is not an object`);
  const keys: VerifiedKey[] = [];
  for (const [keyId, entry] of Object.entries(value)) {
    // Only ed25519 is defined; keys of other algorithms are ignored, not fatal.
    if (!keyId.startsWith('ed25519:')) continue;
    if (!isJsonObject(entry) || typeof entry['key'] !== 'string') {
      throw new ServerKeysError(serverName, `${field}.${keyId} has no key`);
    }
    let publicKey: Uint8Array;
    try {
      publicKey = decodeBase64(entry['key']);
    } catch {
      throw new ServerKeysError(serverName, `${field}.${keyId} is not base64`);
    }
    if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES) {
      throw new ServerKeysError(serverName, `${field}.${keyId} is not a 32-byte ed25519 key`);
    }
    let expiredTs: number | undefined;
    if (old) {
      const expired = entry['expired_ts'];
      if (typeof expired !== 'number' || !Number.isSafeInteger(expired)) {
        throw new ServerKeysError(serverName, `${field}.${keyId} has no integer expired_ts`);
      }
      expiredTs = expired;
    }
    keys.push({ keyId, publicKey, publicKeyBase64: entry['key'], expiredTs });
  }
  return keys;
}

export function verifyServerKeysResponse(
  expectedServerName: string,
  value: unknown,
): VerifiedServerKeys {
  if (!isJsonObject(value)) throw new ServerKeysError(expectedServerName, 'not a JSON object');
  if (value['server_name'] !== expectedServerName) {
    throw new ServerKeysError(
      expectedServerName,
      `response is for ${JSON.stringify(value['server_name'])}`,
    );
  }
  const validUntilTs = value['valid_until_ts'];
  if (typeof validUntilTs !== 'number' || !Number.isSafeInteger(validUntilTs)) {
    throw new ServerKeysError(expectedServerName, 'valid_until_ts is not an integer');
  }
  const current = parseKeyMap(expectedServerName, value['verify_keys'], 'verify_keys', false);
  const old = parseKeyMap(expectedServerName, value['old_verify_keys'], 'old_verify_keys', true);
  const byId = new Map(current.map((k) => [k.keyId, k.publicKey]));
  const check = checkSignatures(value, [expectedServerName], (server, keyId) =>
    server === expectedServerName ? byId.get(keyId) : undefined,
  );
  if (!check.ok) throw new ServerKeysError(expectedServerName, `not self-signed: ${check.reason}`);
  // A key listed as both current and old is current.
  const keys = [...current, ...old.filter((k) => !byId.has(k.keyId))];
  return { serverName: expectedServerName, validUntilTs, keys, json: value };
}
