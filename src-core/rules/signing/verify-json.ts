/**
 * Checking for a signature (spec appendix "Signing JSON" → "Checking for a Signature").
 */
import { decodeBase64 } from '../base64';
import { CanonicalJsonError } from '../canonical-json/canonical-json';
import type { JsonObject } from '../json';
import { isJsonObject } from '../json';
import { signableBytes } from './sign-json';
import { ed25519Verify } from './sodium';

/** Finds the public key a server published under a key ID, or undefined if unknown. */
export type KeyLookup = (serverName: string, keyId: string) => Uint8Array | undefined;

export type SignatureCheck = { ok: true } | { ok: false; server: string; reason: string };

/** The only signing algorithm the spec defines; key IDs of any other algorithm are ignored. */
const ED25519_PREFIX = 'ed25519:';

function verifyBytes(signatureBase64: string, bytes: Uint8Array, publicKey: Uint8Array): boolean {
  const signature = decodeSignature(signatureBase64);
  return signature !== undefined && ed25519Verify(signature, bytes, publicKey);
}

/**
 * Whether `value` carries a valid signature by `serverName` under `keyId` for `publicKey`.
 * False (never a throw) when the signature is missing, malformed or wrong, or when the value
 * cannot be encoded as canonical JSON (then it cannot have been signed as Matrix signs).
 */
export function verifyJsonSignature(
  value: JsonObject,
  serverName: string,
  keyId: string,
  publicKey: Uint8Array,
): boolean {
  const signatures = value['signatures'];
  if (!isJsonObject(signatures)) return false;
  const serverSignatures = signatures[serverName];
  if (!isJsonObject(serverSignatures)) return false;
  const signature = serverSignatures[keyId];
  if (typeof signature !== 'string') return false;
  let bytes: Uint8Array;
  try {
    bytes = signableBytes(value);
  } catch (error) {
    if (error instanceof CanonicalJsonError) return false;
    throw error;
  }
  return verifyBytes(signature, bytes, publicKey);
}

/** One Ed25519 signature a check needs verified over the plan's message. */
export interface SignatureToVerify {
  server: string;
  keyId: string;
  publicKey: Uint8Array;
  /** Undefined when the signature is not valid base64 (so it cannot verify). */
  signature: Uint8Array | undefined;
}

/**
 * A signature check split in two, so the Ed25519 work can be done elsewhere (in bulk, off the
 * main thread) and the verdict still comes from these rules: `toVerify` in the order
 * `checkSignatures` would verify them, all over `message`; the verdict is the first one that
 * fails, else `otherwise` (a structural failure found after them, or ok).
 */
export interface SignaturePlan {
  message: Uint8Array;
  toVerify: SignatureToVerify[];
  otherwise: SignatureCheck;
}

function decodeSignature(signatureBase64: string): Uint8Array | undefined {
  try {
    return decodeBase64(signatureBase64);
  } catch {
    return undefined;
  }
}

/**
 * Plans `checkSignatures`: everything but the Ed25519 verifications. `signedBytes` gives the
 * bytes the signatures cover (default `signableBytes(value)`); it is asked once, and only when
 * some signature has a known key.
 */
export function planSignatureCheck(
  value: JsonObject,
  requiredServers: readonly string[],
  keyLookup: KeyLookup,
  signedBytes: () => Uint8Array = () => signableBytes(value),
): SignaturePlan {
  const toVerify: SignatureToVerify[] = [];
  let message: Uint8Array | undefined;
  const plan = (otherwise: SignatureCheck): SignaturePlan => ({
    message: message ?? new Uint8Array(0),
    toVerify,
    otherwise,
  });
  const servers = [...new Set(requiredServers)];
  const signatures = value['signatures'];
  for (const server of servers) {
    const serverSignatures = isJsonObject(signatures) ? signatures[server] : undefined;
    if (!isJsonObject(serverSignatures)) {
      return plan({ ok: false, server, reason: `no signatures from ${server}` });
    }
    const keyIds = Object.keys(serverSignatures).filter((id) => id.startsWith(ED25519_PREFIX));
    if (keyIds.length === 0) {
      return plan({ ok: false, server, reason: `no ed25519 signatures from ${server}` });
    }
    let known = 0;
    for (const keyId of keyIds) {
      const publicKey = keyLookup(server, keyId);
      if (publicKey === undefined) continue;
      const signature = serverSignatures[keyId];
      if (typeof signature !== 'string') {
        return plan({ ok: false, server, reason: `signature ${server} ${keyId} is not a string` });
      }
      if (message === undefined) {
        try {
          message = signedBytes();
        } catch (error) {
          if (!(error instanceof CanonicalJsonError)) throw error;
          return plan({ ok: false, server, reason: `not canonical JSON: ${error.message}` });
        }
      }
      toVerify.push({ server, keyId, publicKey, signature: decodeSignature(signature) });
      known++;
    }
    if (known === 0) {
      return plan({
        ok: false,
        server,
        reason: `no known key for ${server} among ${keyIds.join(', ')}`,
      });
    }
  }
  return plan({ ok: true });
}

/** The verdict of a plan given whether each of its `toVerify` signatures verified, in order. */
export function settleSignaturePlan(
  plan: SignaturePlan,
  verified: readonly boolean[],
): SignatureCheck {
  for (const [i, item] of plan.toVerify.entries()) {
    if (verified[i] !== true) {
      return {
        ok: false,
        server: item.server,
        reason: `signature by ${item.server} ${item.keyId} does not verify`,
      };
    }
  }
  return plan.otherwise;
}

/** Verifies a plan's signatures here and now (libsodium), as `checkSignatures` does. */
export function verifyPlanHere(plan: SignaturePlan): boolean[] {
  const verified: boolean[] = [];
  for (const item of plan.toVerify) {
    const ok =
      item.signature !== undefined && ed25519Verify(item.signature, plan.message, item.publicKey);
    verified.push(ok);
    // checkSignatures stops at the first failure; so does this (later verdicts are not read).
    if (!ok) break;
  }
  return verified;
}

/**
 * Checks that every server in `requiredServers` has signed `value`. Per the spec's checking
 * algorithm: key IDs of unknown algorithms are dropped, keys `keyLookup` does not know are
 * skipped, at least one known key must remain, and every signature by a known key must verify
 * (as Synapse's keyring does). Reports the first server that fails and why.
 */
export function checkSignatures(
  value: JsonObject,
  requiredServers: readonly string[],
  keyLookup: KeyLookup,
): SignatureCheck {
  const plan = planSignatureCheck(value, requiredServers, keyLookup);
  return settleSignaturePlan(plan, verifyPlanHere(plan));
}
