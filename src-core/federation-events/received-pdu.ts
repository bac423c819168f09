/**
 * Checks 1–3 on received PDUs (format, signatures, hashes) for a batch, so that the signing keys
 * of every server involved are fetched once, concurrently, before the synchronous checks run.
 */
import type { KeyRequest } from '../keys/key-ring';
import type { Pdu } from '../rules/events/pdu';
import type { RoomEvent } from '../rules/events/room-event';
import { toRoomEvent } from '../rules/events/room-event';
import { validatePdu } from '../rules/event-format/validate-event';
import { checkContentHash } from '../rules/hashes/content-hash';
import { computeEventId } from '../rules/hashes/event-id';
import { isJsonObject } from '../rules/json';
import { redactPdu } from '../rules/redaction';
import type { RoomVersion } from '../rules/room-versions';
import type { EventKeyLookup } from '../rules/signing/verify-event';
import { checkEventSignatures, requiredSigningServers } from '../rules/signing/verify-event';

export type ReceivedPduResult =
  | {
      ok: true;
      event: RoomEvent;
      /** Hashes did not match: the event was redacted (check 3). */ redacted: boolean;
    }
  | { ok: false; eventId: string | undefined; reason: string };

export interface KeyPreparer {
  prepareKeys(requests: readonly KeyRequest[]): Promise<EventKeyLookup>;
}

function keyRequestsFor(pdu: Pdu, version: RoomVersion): KeyRequest[] {
  const required = requiredSigningServers(pdu, version);
  if ('error' in required) return [];
  const requests: KeyRequest[] = [];
  for (const server of required.servers) {
    const keyIds = Object.keys(pdu.signatures[server] ?? {});
    for (const keyId of keyIds) {
      requests.push({
        serverName: server,
        keyId,
        ...(version.enforceSigningKeyValidity ? { validAtTs: pdu.origin_server_ts } : {}),
      });
    }
  }
  return requests;
}

/**
 * One request per (server, key ID), at the latest time asked: a key valid at that time is valid
 * at every earlier one (validity only has an upper bound), so the key ring decides the same, but
 * looks each key up once rather than once per event (10,000 times for a big send_join answer).
 */
export function mergeKeyRequests(requests: readonly KeyRequest[]): KeyRequest[] {
  const merged = new Map<string, KeyRequest>();
  for (const request of requests) {
    const id = `${request.serverName}\u0000${request.keyId}`;
    const seen = merged.get(id);
    // No time means "valid at any time", the weakest ask; among times the latest is strictest.
    const stricter =
      request.validAtTs !== undefined &&
      (seen?.validAtTs === undefined || request.validAtTs > seen.validAtTs);
    if (!seen || stricter) merged.set(id, request);
  }
  return [...merged.values()];
}

/** Validates, identifies and signature/hash-checks each raw PDU of one room version. */
export async function checkReceivedPdus(
  raw: readonly unknown[],
  version: RoomVersion,
  keys: KeyPreparer,
): Promise<ReceivedPduResult[]> {
  const validated = raw.map((value) => {
    const result = validatePdu(value, version);
    if (!result.ok) {
      const eventId =
        isJsonObject(value) && typeof value['event_id'] === 'string'
          ? value['event_id']
          : undefined;
      return { ok: false as const, eventId, reason: `invalid event: ${result.error.message}` };
    }
    let eventId: string;
    try {
      eventId = computeEventId(result.pdu, version);
    } catch (error) {
      return {
        ok: false as const,
        eventId: undefined,
        reason: `cannot compute event ID: ${(error as Error).message}`,
      };
    }
    return { ok: true as const, pdu: result.pdu, eventId };
  });
  const lookup = await keys.prepareKeys(
    mergeKeyRequests(validated.flatMap((v) => (v.ok ? keyRequestsFor(v.pdu, version) : []))),
  );
  return validated.map((v): ReceivedPduResult => {
    if (!v.ok) return v;
    const signatures = checkEventSignatures(v.pdu, version, lookup);
    if (!signatures.ok) {
      return {
        ok: false,
        eventId: v.eventId,
        reason: `bad signature from ${signatures.server}: ${signatures.reason}`,
      };
    }
    // Check 3: a hash mismatch means the content was tampered with or lost; keep what was
    // signed (the redacted form), not what was sent.
    const hashOk = checkContentHash(v.pdu);
    const pdu = hashOk ? v.pdu : redactPdu(v.pdu, version);
    return { ok: true, event: toRoomEvent(pdu, v.eventId, version), redacted: !hashOk };
  });
}
