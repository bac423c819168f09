/**
 * Our server's ed25519 signing key, kept in `<data dir>/signing.key` in Synapse's one-line
 * format (`ed25519 <version> <base64 seed>`), so an operator can move keys between servers.
 * Generated on first start, reused afterwards; written with mode 0600.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ED25519_SEED_BYTES } from '../rules/signing/sodium';
import {
  parseSigningKeyFile,
  serialiseSigningKey,
  signingKeyFromSeed,
} from '../rules/signing/signing-key';
import type { SigningKey } from '../rules/signing/signing-key';

export const SIGNING_KEY_FILE = 'signing.key';

function newKeyVersion(): string {
  // Key versions are `[a-zA-Z0-9_]`; a random suffix keeps a regenerated key distinguishable.
  return `a_${randomBytes(3).toString('hex')}`;
}

export function loadOrCreateSigningKey(dataDir: string): { key: SigningKey; created: boolean } {
  const file = path.join(dataDir, SIGNING_KEY_FILE);
  if (existsSync(file)) {
    const [key] = parseSigningKeyFile(readFileSync(file, 'utf8'));
    if (!key) throw new Error(`${file} holds no signing key`);
    return { key, created: false };
  }
  const key = signingKeyFromSeed(randomBytes(ED25519_SEED_BYTES), newKeyVersion());
  // 'wx' fails if another process created the file meanwhile, rather than overwriting its key.
  writeFileSync(file, `${serialiseSigningKey(key)}\n`, { mode: 0o600, flag: 'wx' });
  return { key, created: true };
}
