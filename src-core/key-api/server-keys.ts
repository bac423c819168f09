/**
 * GET /_matrix/key/v2/server — our published signing key, self-signed. `valid_until_ts` tells
 * peers how long they may cache it; we keep it short so a rotated key spreads within a day.
 */
import type { FastifyInstance } from 'fastify';
import { encodeBase64 } from '../rules/base64';
import { signJson } from '../rules/signing/sign-json';
import type { SigningKey } from '../rules/signing/signing-key';
import type { Clock } from '../util/clock';

export const KEY_VALIDITY_MS = 24 * 60 * 60 * 1000;

export function serverKeysResponse(serverName: string, key: SigningKey, now: number) {
  return signJson(
    {
      server_name: serverName,
      valid_until_ts: now + KEY_VALIDITY_MS,
      verify_keys: { [key.keyId]: { key: encodeBase64(key.publicKey) } },
      old_verify_keys: {},
    },
    serverName,
    key,
  );
}

export function registerServerKeys(
  app: FastifyInstance,
  deps: { serverName: string; signingKey: SigningKey; clock: Clock },
): void {
  const handler = async () =>
    serverKeysResponse(deps.serverName, deps.signingKey, deps.clock.now());
  app.get('/_matrix/key/v2/server', handler);
  // The key ID path segment was removed from the spec, but older servers still ask for it.
  app.get('/_matrix/key/v2/server/:keyId', handler);
}
