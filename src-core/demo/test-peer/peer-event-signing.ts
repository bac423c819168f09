/**
 * Finishing a PDU the way an origin server does: content hash first, then the signature over
 * the redacted event (so a later change to redactable content breaks the hash, not the
 * signature), then the event ID from the reference hash.
 */
import { contentHash, eventIdOf } from './peer-event-hashes';
import type { PeerJsonObject } from './peer-json';
import { redactPdu } from './peer-redaction';
import type { PeerRoomVersion } from './peer-room-versions';
import type { PeerSigningKey } from './peer-signing-key';
import { signatureOf } from './peer-signing-key';
import { isPeerJsonObject } from './peer-json';

export interface FinishedPdu {
  pdu: PeerJsonObject;
  eventId: string;
}

/** Adds `hashes` and this server's signature to `unsignedPdu`; returns the PDU and its ID. */
export function hashAndSignPdu(
  unsignedPdu: PeerJsonObject,
  origin: string,
  key: PeerSigningKey,
  version: PeerRoomVersion,
): FinishedPdu {
  const withHash: PeerJsonObject = { ...unsignedPdu, hashes: { sha256: contentHash(unsignedPdu) } };
  const signature = signatureOf(redactPdu(withHash, version), key);
  const existing = isPeerJsonObject(unsignedPdu['signatures']) ? unsignedPdu['signatures'] : {};
  const mine = isPeerJsonObject(existing[origin]) ? existing[origin] : {};
  const pdu: PeerJsonObject = {
    ...withHash,
    signatures: { ...existing, [origin]: { ...mine, [key.keyId]: signature } },
  };
  return { pdu, eventId: eventIdOf(pdu, version) };
}
