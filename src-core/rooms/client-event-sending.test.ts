/**
 * A client's event and its transaction ID commit together (found by the crash-safety review,
 * issue 7 §1): when the process dies between the two, the retry must not create a second event.
 * The crash is stood in for by a failing transaction-ID write.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logging/logger';
import { getRoomVersion } from '../rules/room-versions';
import { initCrypto } from '../rules/signing/sodium';
import { signingKeyFromSeed } from '../rules/signing/signing-key';
import { Database } from '../storage/database';
import { StreamCounter } from '../storage/stream-counter';
import { ClientEventSending } from './client-event-sending';
import { RoomServices } from './room-services';

const SERVER = 'hs.test';
const ALICE = { userId: `@alice:${SERVER}`, deviceId: 'DEVICE' };
const key = signingKeyFromSeed(new Uint8Array(32).fill(9), 'a_test');
let db: Database;
let services: RoomServices;
let sending: ClientEventSending;
let roomId: string;
let now = 1_700_000_000_000;

beforeAll(initCrypto);
beforeEach(async () => {
  db = await Database.open(
    path.join(mkdtempSync(path.join(tmpdir(), 'skein-client-send-')), 'db'),
    silentLogger,
  );
  const clock = { now: () => now++ };
  services = new RoomServices({
    database: db,
    serverName: SERVER,
    signingKey: key,
    clock,
    stream: new StreamCounter(0),
    logger: silentLogger,
  });
  sending = new ClientEventSending(services, clock);
  roomId = services.creator.create({
    creator: ALICE.userId,
    version: getRoomVersion('12'),
    preset: 'public_chat',
    name: 'Txn IDs',
    topic: undefined,
    invite: [],
    initialState: [],
    creationContent: {},
    powerLevelContentOverride: undefined,
    isDirect: false,
  });
});
afterEach(() => db.close());

const messagesWithBody = (body: string): string[] =>
  (
    db.sqlite
      .prepare(
        `SELECT event_id FROM events WHERE room_id = ? AND type = 'm.room.message'
           AND json_extract(json, '$.content.body') = ?`,
      )
      .all(roomId, body) as { event_id: string }[]
  ).map((r) => r.event_id);

describe('client transaction IDs', () => {
  it('a retry answers the same event and stores one', () => {
    const first = sending.sendMessage(ALICE, roomId, 'm.room.message', 't1', { body: 'once' });
    const again = sending.sendMessage(ALICE, roomId, 'm.room.message', 't1', { body: 'once' });
    expect(again).toBe(first);
    expect(messagesWithBody('once')).toEqual([first]);
  });

  it('a failure recording the transaction ID leaves no event behind, so the retry stores one', () => {
    const record = services.clientTxns.record.bind(services.clientTxns);
    services.clientTxns.record = () => {
      throw new Error('the process died here');
    };
    expect(() =>
      sending.sendMessage(ALICE, roomId, 'm.room.message', 't2', { body: 'crash' }),
    ).toThrow('the process died here');
    expect(messagesWithBody('crash')).toEqual([]);

    services.clientTxns.record = record;
    const retried = sending.sendMessage(ALICE, roomId, 'm.room.message', 't2', { body: 'crash' });
    expect(messagesWithBody('crash')).toEqual([retried]);
    expect(services.clientTxns.eventFor(ALICE.userId, ALICE.deviceId, 't2')).toBe(retried);
    // The forward extremity is the retried event, not a phantom of the rolled-back one.
    expect(services.eventStore.getForwardExtremities(roomId)).toEqual([retried]);
  });
});
