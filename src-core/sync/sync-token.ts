/**
 * Sync tokens: `s<stream>_<typing>`. `stream` is a position of the one StreamCounter (events,
 * account data, receipts, to-device, un-partial-stated rooms), stored with every row, so a
 * token stays meaningful across restarts. `typing` is the in-memory typing serial: after a
 * restart it starts again from 0, and a token ahead of it is read as "send current typing".
 *
 * `prev_batch` tokens use the same format; /messages can read their stream part as "events at
 * or before this position".
 */
import { MatrixError } from '../http/matrix-error';

export interface SyncToken {
  readonly stream: number;
  readonly typing: number;
}

const TOKEN = /^s(\d{1,15})_(\d{1,15})$/;

export function formatSyncToken(token: SyncToken): string {
  return `s${token.stream}_${token.typing}`;
}

/** Parses a client-supplied token; 400 M_INVALID_PARAM for anything we never issued. */
export function parseSyncToken(text: string, param = 'since'): SyncToken {
  const match = TOKEN.exec(text);
  if (!match) {
    // Synapse answers 400 "Invalid stream token" (errcode M_UNKNOWN); we name the parameter.
    throw new MatrixError(400, 'M_INVALID_PARAM', `Invalid ${param} token ${JSON.stringify(text)}`);
  }
  return { stream: Number(match[1]), typing: Number(match[2]) };
}
