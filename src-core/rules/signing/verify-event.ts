/**
 * Checking the signatures on a received event (server-server API "Validating hashes and
 * signatures on received events"), with the server list Synapse uses
 * (`federation_base._check_sigs_on_pdu`):
 *
 * - the sender's server — except for an invite made from a third-party invite
 *   (`m.room.member`, membership `invite`, `content.third_party_invite` present), which the
 *   spec lets any server send on the sender's behalf;
 * - v1/v2 (`eventIdFormat: 'v1'`): also the server in `event_id`, if different;
 * - v8+ (`restrictedJoins`): for a join carrying `join_authorised_via_users_server`, also that
 *   user's server.
 *
 * Signatures are checked over the redacted event, so a redacted copy verifies too. This does not
 * check the content hash: a valid signature with a wrong hash means "use the redacted copy",
 * which is the caller's decision (see `checkContentHash`).
 */
import type { JsonObject } from '../json';
import { serverNameOf } from '../identifiers/server-name-of';
import { isJsonObject } from '../json';
import { redactPdu } from '../redaction';
import type { RoomVersion } from '../room-versions';
import { signableBytes } from './sign-json';
import type { SignaturePlan } from './verify-json';
import { planSignatureCheck, settleSignaturePlan, verifyPlanHere } from './verify-json';

/**
 * Finds a server's public key. `validAtTs` is the event's `origin_server_ts` when the room
 * version enforces key validity (v5+), else undefined. Contract: with a `validAtTs`, return the
 * key only if it was valid at that time — its `valid_until_ts`, capped at 7 days after it was
 * fetched (v5 "Signing key validity period"), is ≥ `validAtTs`, and for an old key its
 * `expired_ts` is > `validAtTs`. Return undefined for keys you do not know; such signatures are
 * skipped, and a server with no known key fails the check.
 */
export type EventKeyLookup = (
  serverName: string,
  keyId: string,
  validAtTs?: number,
) => Uint8Array | undefined;

export type EventSignatureCheck =
  | { ok: true; requiredServers: string[] }
  | { ok: false; requiredServers: string[]; server: string; reason: string };

/** The server of a sender or v1/v2 event ID; undefined when it has none (or is not a string). */
function serverOfId(id: unknown): string | undefined {
  return typeof id === 'string' ? serverNameOf(id) || undefined : undefined;
}

function isThirdPartyInvite(pdu: JsonObject, content: JsonObject): boolean {
  return (
    pdu['type'] === 'm.room.member' &&
    content['membership'] === 'invite' &&
    Object.hasOwn(content, 'third_party_invite')
  );
}

/**
 * The servers whose signatures `pdu` needs under `version`, or an error message when an ID it
 * would take a server from is malformed.
 */
export function requiredSigningServers(
  pdu: JsonObject,
  version: RoomVersion,
): { servers: string[] } | { error: string } {
  const content = isJsonObject(pdu['content']) ? pdu['content'] : {};
  const servers: string[] = [];
  const sender = serverOfId(pdu['sender']);
  if (sender === undefined)
    return { error: `sender ${JSON.stringify(pdu['sender'])} has no server` };
  if (!isThirdPartyInvite(pdu, content)) servers.push(sender);

  if (version.eventIdFormat === 'v1') {
    const eventServer = serverOfId(pdu['event_id']);
    if (eventServer === undefined) {
      return { error: `event_id ${JSON.stringify(pdu['event_id'])} has no server` };
    }
    if (eventServer !== sender) servers.push(eventServer);
  }

  if (
    version.restrictedJoins &&
    pdu['type'] === 'm.room.member' &&
    content['membership'] === 'join' &&
    Object.hasOwn(content, 'join_authorised_via_users_server')
  ) {
    const via = content['join_authorised_via_users_server'];
    const authorising = serverOfId(via);
    if (authorising === undefined) {
      return { error: `join_authorised_via_users_server ${JSON.stringify(via)} has no server` };
    }
    servers.push(authorising);
  }
  return { servers: [...new Set(servers)] };
}

/** `checkEventSignatures` split around its Ed25519 work (see `SignaturePlan`). */
export interface EventSignaturePlan {
  requiredServers: string[];
  signatures: SignaturePlan;
}

/**
 * Plans `checkEventSignatures`. `redactedBytes` may supply the bytes the signatures cover
 * (`redactedEventBytes(pdu, version)`), when the caller already has them from the event ID.
 */
export function planEventSignatureCheck(
  pdu: JsonObject,
  version: RoomVersion,
  keyLookup: EventKeyLookup,
  redactedBytes?: () => Uint8Array,
): EventSignaturePlan {
  const required = requiredSigningServers(pdu, version);
  if ('error' in required) {
    return {
      requiredServers: [],
      signatures: {
        message: new Uint8Array(0),
        toVerify: [],
        otherwise: { ok: false, server: '', reason: required.error },
      },
    };
  }
  const requiredServers = required.servers;
  let validAtTs: number | undefined;
  if (version.enforceSigningKeyValidity) {
    const ts = pdu['origin_server_ts'];
    if (typeof ts !== 'number') {
      return {
        requiredServers,
        signatures: {
          message: new Uint8Array(0),
          toVerify: [],
          otherwise: {
            ok: false,
            server: requiredServers[0] ?? '',
            reason: 'origin_server_ts is not a number, so key validity cannot be checked',
          },
        },
      };
    }
    validAtTs = ts;
  }
  // Redaction keeps `signatures` as they are, so they can be read from the event itself.
  const signatures = planSignatureCheck(
    pdu,
    requiredServers,
    (server, keyId) => keyLookup(server, keyId, validAtTs),
    redactedBytes ?? (() => signableBytes(redactPdu(pdu, version))),
  );
  return { requiredServers, signatures };
}

/** The verdict of an event plan given whether each planned signature verified, in order. */
export function settleEventSignaturePlan(
  plan: EventSignaturePlan,
  verified: readonly boolean[],
): EventSignatureCheck {
  const result = settleSignaturePlan(plan.signatures, verified);
  const { requiredServers } = plan;
  return result.ok ? { ok: true, requiredServers } : { ...result, requiredServers };
}

/** Checks that every server `requiredSigningServers` names has validly signed the event. */
export function checkEventSignatures(
  pdu: JsonObject,
  version: RoomVersion,
  keyLookup: EventKeyLookup,
): EventSignatureCheck {
  const plan = planEventSignatureCheck(pdu, version, keyLookup);
  return settleEventSignaturePlan(plan, verifyPlanHere(plan.signatures));
}
