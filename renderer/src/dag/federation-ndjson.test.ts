import { describe, expect, it } from 'vitest';
import { syntheticDag } from '../testing/synthetic-dag';
import {
  NdjsonImportError,
  exportFederationNdjson,
  importFederationNdjson,
} from './federation-ndjson';

/** Federation-format PDUs (room version 10 shape: prev/auth events are plain IDs). */
function pdusOf(count: number) {
  return syntheticDag(count).map((event) => ({
    eventId: event.eventId,
    pdu: {
      room_id: event.roomId,
      type: event.type,
      ...(event.stateKey === null ? {} : { state_key: event.stateKey }),
      sender: event.sender,
      depth: event.depth,
      origin_server_ts: event.originServerTs,
      prev_events: event.prevEventIds,
      auth_events: event.authEventIds,
      content: event.type === 'm.room.create' ? { room_version: '10' } : { body: 'x' },
      hashes: { sha256: 'aGFzaA' },
      signatures: {},
    } as Record<string, unknown>,
  }));
}

describe('federation NDJSON import and export', () => {
  it('round-trips a DAG: export, import, export gives the same text', () => {
    const pdus = pdusOf(500);
    const text = exportFederationNdjson(pdus);
    expect(text.split('\n')).toHaveLength(501); // one line each plus the final newline
    expect(JSON.parse(text.split('\n')[0] as string)).toMatchObject({ event_id: '$e0' });
    const room = importFederationNdjson(text, 'room.ndjson');
    expect(room.problems).toEqual([]);
    expect(room.roomId).toBe('!synthetic:example.org');
    expect(room.roomVersion).toBe('10');
    expect(room.events.map((e) => e.eventId)).toEqual(pdus.map((p) => p.eventId));
    expect(room.events[3]?.prevEventIds).toEqual(pdus[3]?.pdu['prev_events']);
    const again = exportFederationNdjson(
      room.events.map((e) => ({ eventId: e.eventId, pdu: room.pdus.get(e.eventId) ?? {} })),
    );
    expect(again).toBe(text);
  });

  it('orders shuffled lines topologically (parents first, then by depth)', () => {
    const pdus = pdusOf(200);
    const shuffled = [...pdus].reverse();
    const room = importFederationNdjson(exportFederationNdjson(shuffled), 'reversed.ndjson');
    const row = new Map(room.events.map((e, i) => [e.eventId, i]));
    for (const event of room.events) {
      for (const prev of event.prevEventIds) {
        expect(row.get(prev) as number).toBeLessThan(row.get(event.eventId) as number);
      }
    }
    expect(room.events[0]?.eventId).toBe('$e0');
  });

  it('reads room v1 `[id, hashes]` pairs and reports bad lines with their numbers', () => {
    const text = [
      JSON.stringify({
        event_id: '$a:x',
        room_id: '!r:x',
        type: 'm.room.create',
        state_key: '',
        depth: 1,
        prev_events: [],
        auth_events: [],
        content: {},
      }),
      '{ not json',
      JSON.stringify({ type: 'm.room.message' }),
      JSON.stringify({
        event_id: '$b:x',
        room_id: '!r:x',
        type: 'm.room.message',
        depth: 2,
        prev_events: [['$a:x', { sha256: 'h' }]],
        auth_events: [['$a:x', { sha256: 'h' }]],
      }),
    ].join('\n');
    const room = importFederationNdjson(text, 'v1.ndjson');
    expect(room.roomVersion).toBe('1');
    expect(room.events.map((e) => e.eventId)).toEqual(['$a:x', '$b:x']);
    expect(room.events[1]?.prevEventIds).toEqual(['$a:x']);
    expect(room.events[1]?.authEventIds).toEqual(['$a:x']);
    expect(room.problems).toHaveLength(2);
    expect(room.problems[0]).toMatch(/^line 2: not JSON/);
    expect(room.problems[1]).toMatch(/^line 3: no event_id/);
  });

  it('refuses a file with no readable event', () => {
    expect(() => importFederationNdjson('\n[]\n', 'empty.ndjson')).toThrow(NdjsonImportError);
  });
});
