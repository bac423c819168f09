/**
 * Import and export of a room's DAG as newline-delimited JSON: one federation-format PDU per line
 * with its `event_id` added (room versions 3+ do not carry it on the wire). This is the file
 * matrix-org's TARDIS reads, so DAGs move between the two tools.
 */
import type { EventSummary } from '../../../src-core/admin-api/admin-api-types';
import { topologicalOrder } from './topological-order';

export type Pdu = Record<string, unknown>;

export interface OfflineRoom {
  roomId: string;
  roomVersion: string;
  /** Where it came from (the file name). */
  source: string;
  /** In topological order. */
  events: EventSummary[];
  pdus: Map<string, Pdu>;
  /** Lines that could not be read, with their line numbers. */
  problems: string[];
}

export class NdjsonImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NdjsonImportError';
  }
}

/** prev_events / auth_events are `[id, hashes]` pairs in room versions 1–2 and plain IDs after. */
function eventIds(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const ids: string[] = [];
  for (const entry of value) {
    if (typeof entry === 'string') ids.push(entry);
    else if (Array.isArray(entry) && typeof entry[0] === 'string') ids.push(entry[0]);
  }
  return ids;
}

function summaryOf(pdu: Pdu, eventId: string, position: number): EventSummary {
  const stateKey = pdu['state_key'];
  return {
    eventId,
    roomId: typeof pdu['room_id'] === 'string' ? pdu['room_id'] : '',
    type: typeof pdu['type'] === 'string' ? pdu['type'] : '',
    stateKey: typeof stateKey === 'string' ? stateKey : null,
    sender: typeof pdu['sender'] === 'string' ? pdu['sender'] : '',
    depth: typeof pdu['depth'] === 'number' ? pdu['depth'] : 0,
    streamOrdering: position,
    originServerTs: typeof pdu['origin_server_ts'] === 'number' ? pdu['origin_server_ts'] : 0,
    prevEventIds: eventIds(pdu['prev_events']),
    authEventIds: eventIds(pdu['auth_events']),
    outlier: false,
    softFailed: false,
    rejected: null,
    partialState: false,
    isPartialJoinEvent: false,
    resetKinds: [],
  };
}

/** Reads an NDJSON file's text into an offline room; bad lines are reported, not fatal. */
export function importFederationNdjson(text: string, source: string): OfflineRoom {
  const problems: string[] = [];
  const read: { pdu: Pdu; eventId: string }[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      problems.push(`line ${index + 1}: not JSON (${(error as Error).message})`);
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push(`line ${index + 1}: not a JSON object`);
      return;
    }
    const pdu = value as Pdu;
    const eventId = pdu['event_id'];
    if (typeof eventId !== 'string' || eventId === '') {
      problems.push(
        `line ${index + 1}: no event_id (export with event IDs added, as TARDIS needs)`,
      );
      return;
    }
    if (seen.has(eventId)) {
      problems.push(`line ${index + 1}: ${eventId} repeats an earlier line`);
      return;
    }
    seen.add(eventId);
    read.push({ pdu, eventId });
  });
  if (read.length === 0) {
    throw new NdjsonImportError(
      `${source} has no readable events${problems.length ? `: ${problems[0]}` : ''}`,
    );
  }
  const summaries = read.map(({ pdu, eventId }, position) => summaryOf(pdu, eventId, position));
  const order = topologicalOrder(
    summaries.map((s) => ({ id: s.eventId, prevIds: s.prevEventIds, depth: s.depth })),
  );
  const events = order.map((position) => summaries[position] as EventSummary);
  const create = read.find(({ pdu }) => pdu['type'] === 'm.room.create' && pdu['state_key'] === '');
  const createContent = create?.pdu['content'];
  const version =
    typeof createContent === 'object' && createContent !== null
      ? (createContent as Record<string, unknown>)['room_version']
      : undefined;
  return {
    // Room version 12 create events carry no room_id: take it from any event that has one.
    roomId: events.find((e) => e.roomId !== '')?.roomId ?? `offline:${source}`,
    // The spec's default when the create event names none is version 1.
    roomVersion: typeof version === 'string' ? version : '1',
    source,
    events,
    pdus: new Map(read.map(({ pdu, eventId }) => [eventId, pdu])),
    problems,
  };
}

/** One PDU per line, `event_id` included, in the order given (topological, oldest first). */
export function exportFederationNdjson(events: Iterable<{ eventId: string; pdu: Pdu }>): string {
  let text = '';
  for (const { eventId, pdu } of events)
    text += `${JSON.stringify({ ...pdu, event_id: eventId })}\n`;
  return text;
}
