/**
 * Signing key IDs (server-server spec, `verify_keys`): `algorithm:version`, the version matching
 * `[a-zA-Z0-9_]`. The spec gives the algorithm no grammar beyond being a name like `ed25519`;
 * we take it to be a non-empty run of the same characters, which covers every algorithm Matrix
 * defines (`ed25519`, `curve25519`, `signed_curve25519`).
 */
import { accept, refuse, type IdentifierResult } from './identifier-result';

export interface KeyId {
  readonly algorithm: string;
  readonly version: string;
}

const PART = /^[a-zA-Z0-9_]+$/;

export function parseKeyId(value: string): IdentifierResult<KeyId> {
  const colon = value.indexOf(':');
  if (colon === -1) return refuse('key ID is not "algorithm:version"');
  const algorithm = value.slice(0, colon);
  const version = value.slice(colon + 1);
  if (!PART.test(algorithm))
    return refuse('key ID algorithm is empty or has characters outside [a-zA-Z0-9_]');
  if (!PART.test(version))
    return refuse('key ID version is empty or has characters outside [a-zA-Z0-9_]');
  return accept({ algorithm, version });
}

export function isValidKeyId(value: string): boolean {
  return parseKeyId(value).ok;
}
