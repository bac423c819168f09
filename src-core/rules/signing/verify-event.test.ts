import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64 } from '../base64';
import type { JsonObject } from '../json';
import { redactPdu } from '../redaction';
import { getRoomVersion } from '../room-versions';
import { MINIMAL_EVENT_SIGNED, SPEC_SEED_BASE64 } from './fixtures/spec-vectors';
import { signEvent } from './sign-event';
import type { SigningKey } from './signing-key';
import { signingKeyFromSeed } from './signing-key';
import { initCrypto } from './sodium';
import type { EventKeyLookup } from './verify-event';
import { checkEventSignatures, requiredSigningServers } from './verify-event';

const keys = new Map<string, SigningKey>();
/** server → key, valid until the given timestamp. */
const validUntil = new Map<string, number>();
const calls: [string, string, number | undefined][] = [];

const lookup: EventKeyLookup = (server, keyId, validAtTs) => {
  calls.push([server, keyId, validAtTs]);
  const key = keys.get(server);
  if (key === undefined || key.keyId !== keyId) return undefined;
  const until = validUntil.get(server);
  if (validAtTs !== undefined && until !== undefined && until < validAtTs) return undefined;
  return key.publicKey;
};

beforeAll(async () => {
  await initCrypto();
  keys.set('domain', signingKeyFromSeed(decodeBase64(SPEC_SEED_BASE64), '1'));
  for (const [i, server] of ['a.example', 'b.example', 'c.example'].entries()) {
    keys.set(server, signingKeyFromSeed(new Uint8Array(32).fill(i + 10), `k${i}`));
  }
});

function sign(pdu: JsonObject, version: string, ...servers: string[]): JsonObject {
  let signed = pdu;
  for (const server of servers) {
    signed = signEvent(signed, server, keys.get(server) as SigningKey, getRoomVersion(version));
  }
  return signed;
}

const message = (sender = '@u:a.example'): JsonObject => ({
  type: 'm.room.message',
  room_id: '!r:a.example',
  sender,
  content: { body: 'hi' },
  depth: 3,
  prev_events: [],
  auth_events: [],
  origin_server_ts: 1_000,
});

describe('requiredSigningServers', () => {
  const v1 = getRoomVersion('1');
  const v7 = getRoomVersion('7');
  const v10 = getRoomVersion('10');

  it("needs the sender's server", () => {
    expect(requiredSigningServers(message('@u:a.example:8448'), v10)).toEqual({
      servers: ['a.example:8448'],
    });
  });

  it("v1/v2: also the event_id's server when it differs", () => {
    expect(requiredSigningServers({ ...message(), event_id: '$x:b.example' }, v1)).toEqual({
      servers: ['a.example', 'b.example'],
    });
    expect(requiredSigningServers({ ...message(), event_id: '$x:a.example' }, v1)).toEqual({
      servers: ['a.example'],
    });
    expect(requiredSigningServers({ ...message(), event_id: '$x:b.example' }, v10)).toEqual({
      servers: ['a.example'],
    });
  });

  it('v8+: also the server of join_authorised_via_users_server on joins', () => {
    const join = {
      ...message('@joiner:a.example'),
      type: 'm.room.member',
      state_key: '@joiner:a.example',
      content: { membership: 'join', join_authorised_via_users_server: '@admin:b.example' },
    };
    expect(requiredSigningServers(join, v10)).toEqual({ servers: ['a.example', 'b.example'] });
    expect(requiredSigningServers(join, v7)).toEqual({ servers: ['a.example'] });
    const leave = { ...join, content: { ...join.content, membership: 'leave' } };
    expect(requiredSigningServers(leave, v10)).toEqual({ servers: ['a.example'] });
  });

  it("third-party invites do not need the sender's server", () => {
    const invite = {
      ...message(),
      type: 'm.room.member',
      state_key: '@bob:c.example',
      content: { membership: 'invite', third_party_invite: { signed: {} } },
    };
    expect(requiredSigningServers(invite, v10)).toEqual({ servers: [] });
    expect(requiredSigningServers({ ...invite, event_id: '$i:b.example' }, v1)).toEqual({
      servers: ['b.example'],
    });
  });

  it('reports malformed IDs', () => {
    expect(requiredSigningServers(message('nocolon'), v10)).toEqual({
      error: 'sender "nocolon" has no server',
    });
    expect(requiredSigningServers(message(), v1)).toEqual({
      error: 'event_id undefined has no server',
    });
    const join = {
      ...message(),
      type: 'm.room.member',
      content: { membership: 'join', join_authorised_via_users_server: 7 },
    };
    expect(requiredSigningServers(join, v10)).toMatchObject({
      error: expect.any(String) as unknown,
    });
  });
});

describe('checkEventSignatures', () => {
  it('accepts the spec appendix signed event (v1–v10 rules)', () => {
    const withId = { ...MINIMAL_EVENT_SIGNED };
    expect(checkEventSignatures(withId, getRoomVersion('10'), lookup)).toEqual({
      ok: true,
      requiredServers: ['domain'],
    });
  });

  it('accepts the redacted copy of a valid event', () => {
    const v11 = getRoomVersion('11');
    const signed = sign(message(), '11', 'a.example');
    expect(checkEventSignatures(redactPdu(signed, v11), v11, lookup)).toMatchObject({ ok: true });
  });

  it('rejects tampering with a protected field but not with redactable content', () => {
    const v11 = getRoomVersion('11');
    const signed = sign(message(), '11', 'a.example');
    expect(checkEventSignatures({ ...signed, depth: 4 }, v11, lookup)).toMatchObject({
      ok: false,
      server: 'a.example',
      reason: 'signature by a.example ed25519:k0 does not verify',
    });
    // Content changes are caught by the content hash instead, not by the signature.
    expect(checkEventSignatures({ ...signed, content: { body: 'x' } }, v11, lookup)).toMatchObject({
      ok: true,
    });
  });

  it('needs every required server: restricted join without the authorising signature', () => {
    const join = {
      ...message('@joiner:a.example'),
      type: 'm.room.member',
      state_key: '@joiner:a.example',
      content: { membership: 'join', join_authorised_via_users_server: '@admin:b.example' },
    };
    const v10 = getRoomVersion('10');
    expect(checkEventSignatures(sign(join, '10', 'a.example'), v10, lookup)).toEqual({
      ok: false,
      requiredServers: ['a.example', 'b.example'],
      server: 'b.example',
      reason: 'no signatures from b.example',
    });
    expect(checkEventSignatures(sign(join, '10', 'a.example', 'b.example'), v10, lookup)).toEqual({
      ok: true,
      requiredServers: ['a.example', 'b.example'],
    });
  });

  it('v1: needs the event_id server too', () => {
    const event = { ...message(), event_id: '$x:b.example' };
    const v1 = getRoomVersion('1');
    expect(checkEventSignatures(sign(event, '1', 'a.example'), v1, lookup)).toMatchObject({
      ok: false,
      server: 'b.example',
    });
    expect(
      checkEventSignatures(sign(event, '1', 'a.example', 'b.example'), v1, lookup),
    ).toMatchObject({ ok: true });
  });

  it('passes origin_server_ts to the key lookup only when the version enforces key validity', () => {
    const event = { ...message(), origin_server_ts: 5_000 };
    calls.length = 0;
    checkEventSignatures(sign(event, '4', 'a.example'), getRoomVersion('4'), lookup);
    expect(calls).toEqual([['a.example', 'ed25519:k0', undefined]]);
    calls.length = 0;
    checkEventSignatures(sign(event, '5', 'a.example'), getRoomVersion('5'), lookup);
    expect(calls).toEqual([['a.example', 'ed25519:k0', 5_000]]);
  });

  it('fails when the only key had expired before the event (v5+), not in v4', () => {
    const event = { ...message(), origin_server_ts: 5_000 };
    validUntil.set('a.example', 4_999);
    try {
      expect(
        checkEventSignatures(sign(event, '5', 'a.example'), getRoomVersion('5'), lookup),
      ).toMatchObject({ ok: false, reason: 'no known key for a.example among ed25519:k0' });
      expect(
        checkEventSignatures(sign(event, '4', 'a.example'), getRoomVersion('4'), lookup),
      ).toMatchObject({ ok: true });
    } finally {
      validUntil.delete('a.example');
    }
  });

  it('reports malformed events instead of throwing', () => {
    const v10 = getRoomVersion('10');
    expect(checkEventSignatures(message('bad'), v10, lookup)).toMatchObject({
      ok: false,
      reason: 'sender "bad" has no server',
    });
    const noTs = sign(message(), '10', 'a.example');
    delete noTs['origin_server_ts'];
    expect(checkEventSignatures(noTs, v10, lookup)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('origin_server_ts') as unknown,
    });
  });
});
