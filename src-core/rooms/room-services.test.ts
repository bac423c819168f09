import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MatrixError } from '../http/matrix-error';
import { silentLogger } from '../logging/logger';
import { stateKey } from '../rules/events/state-map';
import { validatePdu } from '../rules/event-format/validate-event';
import { checkContentHash } from '../rules/hashes/content-hash';
import { getRoomVersion } from '../rules/room-versions';
import { checkEventSignatures } from '../rules/signing/verify-event';
import { initCrypto } from '../rules/signing/sodium';
import { signingKeyFromSeed } from '../rules/signing/signing-key';
import { Database } from '../storage/database';
import { StreamCounter } from '../storage/stream-counter';
import { RoomServices } from './room-services';

const SERVER = 'hs.test';
const ALICE = `@alice:${SERVER}`;
const key = signingKeyFromSeed(new Uint8Array(32).fill(7), 'a_test');
let db: Database;
let services: RoomServices;
let now = 1_700_000_000_000;

beforeAll(initCrypto);
beforeEach(async () => {
  db = await Database.open(
    path.join(mkdtempSync(path.join(tmpdir(), 'skein-rooms-')), 'db'),
    silentLogger,
  );
  services = new RoomServices({
    database: db,
    serverName: SERVER,
    signingKey: key,
    clock: { now: () => now++ },
    stream: new StreamCounter(0),
    logger: silentLogger,
  });
});
afterEach(() => db.close());

function createRoom(version: string, preset: 'public_chat' | 'private_chat' = 'public_chat') {
  return services.creator.create({
    creator: ALICE,
    version: getRoomVersion(version),
    preset,
    name: 'Skein test',
    topic: 'DAGs',
    invite: [],
    initialState: [],
    creationContent: {},
    powerLevelContentOverride: undefined,
    isDirect: false,
  });
}

describe.each(['10', '11', '12'])('a room created in version %s', (version) => {
  it('has the preset state, in current state and in the stored state of its last event', () => {
    const roomId = createRoom(version);
    const current = services.currentState.getCurrentState(roomId);
    const types = [...current.keys()].map((k) => JSON.parse(k)[0]).sort();
    expect(types).toEqual([
      'm.room.create',
      'm.room.history_visibility',
      'm.room.join_rules',
      'm.room.member',
      'm.room.name',
      'm.room.power_levels',
      'm.room.topic',
    ]);
    const [tip] = services.eventStore.getForwardExtremities(roomId);
    const group = services.eventStore.getEventState(tip as string)?.after as number;
    expect(new Map(services.stateStore.getState(group))).toEqual(current);
    expect(services.currentState.membershipOf(roomId, ALICE)?.membership).toBe('join');
    if (version === '12') {
      const create = services.eventStore.getEvent(
        current.get(stateKey('m.room.create', '')) as string,
      );
      expect(roomId).toBe(`!${create?.eventId.slice(1)}`);
      expect(create?.pdu['room_id']).toBeUndefined();
    }
  });

  it('produces events that pass our own format, hash and signature checks', () => {
    const roomId = createRoom(version);
    const v = getRoomVersion(version);
    for (const eventId of services.currentState.getCurrentState(roomId).values()) {
      const event = services.eventStore.getEvent(eventId);
      if (!event) throw new Error(`missing ${eventId}`);
      expect(validatePdu(event.pdu, v)).toMatchObject({ ok: true });
      expect(checkContentHash(event.pdu)).toBe(true);
      expect(
        checkEventSignatures(event.pdu, v, (server, keyId) =>
          server === SERVER && keyId === key.keyId ? key.publicKey : undefined,
        ),
      ).toMatchObject({ ok: true });
    }
  });

  it('lets a member send and refuses a stranger with the auth rule', () => {
    const roomId = createRoom(version, 'private_chat');
    const sent = services.sender.send({
      roomId,
      type: 'm.room.message',
      sender: ALICE,
      content: { msgtype: 'm.text', body: 'hello' },
    });
    expect(services.eventStore.getForwardExtremities(roomId)).toEqual([sent.event.eventId]);
    let error: unknown;
    try {
      services.sender.send({
        roomId,
        type: 'm.room.message',
        sender: `@mallory:${SERVER}`,
        content: { msgtype: 'm.text', body: 'let me in' },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MatrixError);
    expect((error as MatrixError).errcode).toBe('M_FORBIDDEN');
    expect((error as MatrixError).extra['org.skein.auth_rule']).toMatch(/sender/);
    // Nothing of the refused event was written.
    expect(services.eventStore.getForwardExtremities(roomId)).toEqual([sent.event.eventId]);
  });
});

describe('public_chat preset', () => {
  it('sends no m.room.guest_access, while private_chat does', () => {
    const pub = createRoom('11', 'public_chat');
    const priv = createRoom('11', 'private_chat');
    expect(
      services.currentState.getCurrentStateEventId(pub, 'm.room.guest_access', ''),
    ).toBeUndefined();
    expect(
      services.currentState.getCurrentStateEventId(priv, 'm.room.guest_access', ''),
    ).toBeDefined();
  });
});
