/**
 * Inputs for the fuzz targets: arbitrary JSON, and real, signed PDUs of a scripted room with
 * one field replaced or removed (the near-misses that reach deep into the checks).
 */
import fc from 'fast-check';
import type { PeerJsonObject } from '../../demo/test-peer/peer-json';
import { generateSigningKey } from '../../demo/test-peer/peer-signing-key';
import { ScriptedRoom } from '../../demo/test-peer/scripted-room';
import type { JsonValue } from '../../rules/json';

/** A small room of each version, its PDUs as seeds for mutation. */
export function seedPdus(): { version: string; roomId: string; pdus: PeerJsonObject[] }[] {
  const key = generateSigningKey();
  const server = 'fuzz.example';
  return (['10', '11', '12'] as const).map((version) => {
    const room = ScriptedRoom.create((name) => (name === server ? key : undefined), {
      version,
      creator: `@alice:${server}`,
      name: 'Fuzz',
    });
    room.join(`@bob:${server}`);
    room.sendMessage(`@bob:${server}`, 'hello');
    room.setTopic(`@alice:${server}`, 'topic');
    return { version, roomId: room.roomId, pdus: room.events.map((e) => e.pdu) };
  });
}

const PDU_FIELDS = [
  'type',
  'state_key',
  'sender',
  'room_id',
  'content',
  'prev_events',
  'auth_events',
  'depth',
  'origin_server_ts',
  'hashes',
  'signatures',
  'unsigned',
  'redacts',
  'event_id',
] as const;

/**
 * Any JSON that can be signed (canonical JSON has no floats: a signed request could not carry
 * them), nested up to four levels, with odd strings and extreme integers.
 */
export const anyJson: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    fc.string({ maxLength: 20, unit: 'binary' }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A seed PDU with one top-level or content field replaced by arbitrary JSON, or removed. */
export function mutatedPdu(seeds: readonly PeerJsonObject[]): fc.Arbitrary<JsonValue> {
  return fc
    .record({
      seed: fc.constantFrom(...seeds),
      inContent: fc.boolean(),
      field: fc.oneof(fc.constantFrom(...PDU_FIELDS), fc.string({ maxLength: 8 })),
      value: fc.option(anyJson, { nil: undefined }),
    })
    .map(({ seed, inContent, field, value }) => {
      const copy = JSON.parse(JSON.stringify(seed)) as Record<string, JsonValue>;
      const target: Record<string, JsonValue> =
        inContent && typeof copy['content'] === 'object' && copy['content'] !== null
          ? (copy['content'] as Record<string, JsonValue>)
          : copy;
      const entries = Object.entries(target).filter(([name]) => name !== field);
      if (value !== undefined) entries.push([field, value]);
      const mutated = Object.fromEntries(entries) as Record<string, JsonValue>;
      return (target === copy ? mutated : { ...copy, content: mutated }) as JsonValue;
    });
}

/** Arbitrary JSON, a mutated PDU or an intact one. */
export function pduLike(seeds: readonly PeerJsonObject[]): fc.Arbitrary<JsonValue> {
  return fc.oneof(
    { weight: 1, arbitrary: anyJson },
    { weight: 4, arbitrary: mutatedPdu(seeds) },
    { weight: 1, arbitrary: fc.constantFrom(...(seeds as JsonValue[])) },
  );
}
