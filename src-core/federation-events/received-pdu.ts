/**
 * Checks 1–3 on received PDUs (format, signatures, hashes) for a batch, so that the signing keys
 * of every server involved are fetched once, concurrently, before the synchronous checks run.
 */
import type { Ed25519BatchVerifier, Ed25519Job } from '../keys/ed25519-verify-pool';
import { sharedEd25519VerifyPool } from '../keys/ed25519-verify-pool';
import type { KeyRequest } from '../keys/key-ring';
import type { Pdu } from '../rules/events/pdu';
import type { RoomEvent } from '../rules/events/room-event';
import { toRoomEvent } from '../rules/events/room-event';
import { validatePdu } from '../rules/event-format/validate-event';
import { checkContentHash } from '../rules/hashes/content-hash';
import { computeEventIdFromBytes } from '../rules/hashes/event-id';
import { redactedEventBytes } from '../rules/hashes/redacted-event-bytes';
import { isJsonObject } from '../rules/json';
import { redactPdu } from '../rules/redaction';
import type { RoomVersion } from '../rules/room-versions';
import type {
  EventKeyLookup,
  EventSignatureCheck,
  EventSignaturePlan,
} from '../rules/signing/verify-event';
import {
  planEventSignatureCheck,
  requiredSigningServers,
  settleEventSignaturePlan,
} from '../rules/signing/verify-event';
import { verifyPlanHere } from '../rules/signing/verify-json';

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

/** Batches with at least this many signatures to check go to the worker pool. */
export const POOL_MIN_SIGNATURES = 64;

export interface ReceivedPduOptions {
  /**
   * Where big batches' Ed25519 work runs (default: the process's worker pool); `null` keeps it
   * on this thread. Verdicts are the rules' either way.
   */
  verifier?: Ed25519BatchVerifier | null;
  /**
   * Called, only when the pool is used, with the verdicts each event will get if all its
   * signatures verify, while they are being verified: the caller can prepare its next step
   * and redo it only for a batch where some signature failed. The final result reuses these
   * objects for every event whose signatures did verify.
   */
  whileVerifying?: (provisional: readonly ReceivedPduResult[]) => void;
}

interface ValidatedPdu {
  ok: true;
  pdu: Pdu;
  eventId: string;
  /** The redacted canonical bytes (event ID and signatures), encoded at most once. */
  redactedBytes: () => Uint8Array;
}

/** Memoises `redactedEventBytes`, including its error, so it is encoded at most once. */
function onceRedactedBytes(pdu: Pdu, version: RoomVersion): () => Uint8Array {
  let bytes: Uint8Array | undefined;
  let failure: unknown;
  return () => {
    if (bytes !== undefined) return bytes;
    if (failure !== undefined) throw failure;
    try {
      bytes = redactedEventBytes(pdu, version);
      return bytes;
    } catch (error) {
      failure = error;
      throw error;
    }
  };
}

/** Runs every plan's Ed25519 work in the pool; undefined if the pool failed. */
async function verifyInPool(
  plans: readonly (EventSignaturePlan | undefined)[],
  verifier: Ed25519BatchVerifier,
): Promise<boolean[][] | undefined> {
  const jobs: Ed25519Job[] = [];
  for (const plan of plans) {
    if (!plan) continue;
    const { message, toVerify } = plan.signatures;
    for (const item of toVerify) {
      // A signature that is not base64 fails without Ed25519 work (verifyPlanHere does the same).
      if (item.signature === undefined) continue;
      jobs.push({ message, signature: item.signature, publicKey: item.publicKey });
    }
  }
  let answers: boolean[];
  try {
    answers = await verifier(jobs);
  } catch {
    return undefined;
  }
  let next = 0;
  return plans.map((plan) =>
    (plan?.signatures.toVerify ?? []).map((item) =>
      item.signature === undefined ? false : answers[next++] === true,
    ),
  );
}

/** Validates, identifies and signature/hash-checks each raw PDU of one room version. */
export async function checkReceivedPdus(
  raw: readonly unknown[],
  version: RoomVersion,
  keys: KeyPreparer,
  options: ReceivedPduOptions = {},
): Promise<ReceivedPduResult[]> {
  const validated = raw.map((value): ValidatedPdu | Extract<ReceivedPduResult, { ok: false }> => {
    const result = validatePdu(value, version);
    if (!result.ok) {
      const eventId =
        isJsonObject(value) && typeof value['event_id'] === 'string'
          ? value['event_id']
          : undefined;
      return { ok: false as const, eventId, reason: `invalid event: ${result.error.message}` };
    }
    const redactedBytes = onceRedactedBytes(result.pdu, version);
    let eventId: string;
    try {
      eventId = computeEventIdFromBytes(result.pdu, version, redactedBytes);
    } catch (error) {
      return {
        ok: false as const,
        eventId: undefined,
        reason: `cannot compute event ID: ${(error as Error).message}`,
      };
    }
    return { ok: true as const, pdu: result.pdu, eventId, redactedBytes };
  });
  const lookup = await keys.prepareKeys(
    mergeKeyRequests(validated.flatMap((v) => (v.ok ? keyRequestsFor(v.pdu, version) : []))),
  );
  const plans = validated.map((v) =>
    v.ok ? planEventSignatureCheck(v.pdu, version, lookup, v.redactedBytes) : undefined,
  );
  const signatureCount = plans.reduce((n, p) => n + (p?.signatures.toVerify.length ?? 0), 0);
  const verifier =
    options.verifier === undefined ? sharedEd25519VerifyPool().verify : options.verifier;
  // The pool works while this thread checks content hashes and builds the events (and the
  // caller, given `whileVerifying`, starts on them).
  const pooled =
    verifier !== null && signatureCount >= POOL_MIN_SIGNATURES
      ? verifyInPool(plans, verifier)
      : undefined;
  // The verdict of each event if every signature it needs verifies: final wherever they do.
  const provisional = validated.map((v, i): ReceivedPduResult => {
    if (!v.ok) return v;
    const plan = plans[i] as EventSignaturePlan;
    return resultFor(v, settleEventSignaturePlan(plan, allVerified(plan)), version);
  });
  if (pooled) options.whileVerifying?.(provisional);
  const verified = pooled ? await pooled : undefined;
  return validated.map((v, i): ReceivedPduResult => {
    const guess = provisional[i] as ReceivedPduResult;
    if (!v.ok) return guess;
    const plan = plans[i] as EventSignaturePlan;
    const answers = verified?.[i] ?? verifyPlanHere(plan.signatures);
    if (answers.length === plan.signatures.toVerify.length && answers.every((ok) => ok))
      return guess;
    return resultFor(v, settleEventSignaturePlan(plan, answers), version);
  });
}

function allVerified(plan: EventSignaturePlan): boolean[] {
  return plan.signatures.toVerify.map(() => true);
}

function resultFor(
  v: ValidatedPdu,
  signatures: EventSignatureCheck,
  version: RoomVersion,
): ReceivedPduResult {
  if (!signatures.ok) {
    return {
      ok: false,
      eventId: v.eventId,
      reason: `bad signature from ${signatures.server}: ${signatures.reason}`,
    };
  }
  // Check 3: a hash mismatch means the content was tampered with or lost; keep what was
  // signed (the redacted form), not what was sent.
  const contentOk = checkContentHash(v.pdu);
  const pdu = contentOk ? v.pdu : redactPdu(v.pdu, version);
  return { ok: true, event: toRoomEvent(pdu, v.eventId, version), redacted: !contentOk };
}
