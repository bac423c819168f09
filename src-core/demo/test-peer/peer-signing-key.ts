/**
 * Ed25519 signing with `node:crypto` (not libsodium, which the server uses: two independent
 * implementations have to agree for a test to pass). JSON signing per spec appendices
 * "Signing JSON": sign the canonical form without `signatures` and `unsigned`.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { canonicalJsonBytes } from './peer-canonical-json';
import { decodeUnpaddedBase64, unpaddedBase64 } from './peer-base64';
import type { PeerJsonObject } from './peer-json';
import { isPeerJsonObject } from './peer-json';

/** DER prefixes that wrap a raw 32-byte ed25519 seed (PKCS#8) or public key (SPKI), RFC 8410. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface PeerSigningKey {
  /** `ed25519:<version>`. */
  keyId: string;
  privateKey: KeyObject;
  /** Unpadded base64 of the raw 32-byte public key. */
  publicKeyBase64: string;
}

function rawPublicKey(privateKey: KeyObject): Buffer {
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return spki.subarray(spki.length - 32);
}

export function signingKeyFromSeed(seed: Uint8Array, keyId: string): PeerSigningKey {
  if (seed.length !== 32) throw new Error(`an ed25519 seed is 32 bytes, got ${seed.length}`);
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  return { keyId, privateKey, publicKeyBase64: unpaddedBase64(rawPublicKey(privateKey)) };
}

export function generateSigningKey(keyId = 'ed25519:peer'): PeerSigningKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { keyId, privateKey, publicKeyBase64: unpaddedBase64(rawPublicKey(privateKey)) };
}

function withoutSignaturesAndUnsigned(json: PeerJsonObject): PeerJsonObject {
  const copy = { ...json };
  delete copy['signatures'];
  delete copy['unsigned'];
  return copy;
}

/** The unpadded base64 signature of `json` (signatures and unsigned excluded). */
export function signatureOf(json: PeerJsonObject, key: PeerSigningKey): string {
  return unpaddedBase64(
    sign(null, canonicalJsonBytes(withoutSignaturesAndUnsigned(json)), key.privateKey),
  );
}

/** Adds `signatures[entity][keyId]` to a copy of `json`, keeping other signatures. */
export function signJson(
  json: PeerJsonObject,
  entity: string,
  key: PeerSigningKey,
): PeerJsonObject {
  const signature = signatureOf(json, key);
  const existing = isPeerJsonObject(json['signatures']) ? json['signatures'] : {};
  const mine = isPeerJsonObject(existing[entity]) ? existing[entity] : {};
  return {
    ...json,
    signatures: { ...existing, [entity]: { ...mine, [key.keyId]: signature } },
  };
}

/** Checks one signature against a raw public key given as unpadded base64. */
export function verifyJsonSignature(
  json: PeerJsonObject,
  entity: string,
  keyId: string,
  publicKeyBase64: string,
): boolean {
  const signatures = json['signatures'];
  const byEntity = isPeerJsonObject(signatures) ? signatures[entity] : undefined;
  const signature = isPeerJsonObject(byEntity) ? byEntity[keyId] : undefined;
  if (typeof signature !== 'string') return false;
  try {
    const publicKey = createPublicKey({
      key: Buffer.concat([SPKI_ED25519_PREFIX, decodeUnpaddedBase64(publicKeyBase64)]),
      format: 'der',
      type: 'spki',
    });
    return verify(
      null,
      canonicalJsonBytes(withoutSignaturesAndUnsigned(json)),
      publicKey,
      decodeUnpaddedBase64(signature),
    );
  } catch {
    return false;
  }
}
