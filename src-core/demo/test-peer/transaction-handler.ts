/**
 * PUT /send/{txnId}: records the transaction, and adds each PDU for a room the peer hosts to that
 * room's DAG (unchecked: the peer is the observer, not a judge), so later answers include it.
 */
import type { PeerHandlerContext, PeerReply, PeerRequest } from './peer-handler-context';
import { matrixError, ok } from './peer-handler-context';
import type { PeerJsonObject } from './peer-json';
import { isPeerJsonObject } from './peer-json';

export function handleSendTransaction(
  context: PeerHandlerContext,
  request: PeerRequest,
): PeerReply {
  const body = request.body;
  if (!isPeerJsonObject(body))
    return matrixError(400, 'M_BAD_JSON', 'the transaction is not an object');
  const pdus = Array.isArray(body['pdus']) ? body['pdus'].filter(isPeerJsonObject) : [];
  const edus = Array.isArray(body['edus']) ? body['edus'].filter(isPeerJsonObject) : [];
  context.transactions.push({
    txnId: request.params[0] ?? '',
    origin: typeof body['origin'] === 'string' ? body['origin'] : request.origin,
    pdus,
    edus,
    time: Date.now(),
  });
  const results: PeerJsonObject = {};
  for (const pdu of pdus) {
    const room = typeof pdu['room_id'] === 'string' ? context.room(pdu['room_id']) : undefined;
    if (!room) continue;
    const event = room.receive(pdu);
    results[event.eventId] = {};
  }
  return ok({ pdus: results });
}
