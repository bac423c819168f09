/** GET /_matrix/key/v2/server (self-signed, valid for a week) and /federation/v1/version. */
import type { PeerHandlerContext, PeerReply } from './peer-handler-context';
import { ok } from './peer-handler-context';
import { signJson } from './peer-signing-key';

const KEY_VALIDITY_MS = 7 * 24 * 60 * 60 * 1000;

export function handleServerKeys(context: PeerHandlerContext): PeerReply {
  const keys = {
    server_name: context.serverName,
    valid_until_ts: Date.now() + KEY_VALIDITY_MS,
    verify_keys: { [context.signingKey.keyId]: { key: context.signingKey.publicKeyBase64 } },
    old_verify_keys: {},
  };
  return ok(signJson(keys, context.serverName, context.signingKey));
}

export function handleVersion(): PeerReply {
  return ok({ server: { name: 'skein-test-peer', version: '1' } });
}
