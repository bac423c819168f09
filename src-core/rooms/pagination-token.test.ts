import { describe, expect, it } from 'vitest';
import { formatSyncToken } from '../sync/sync-token';
import { formatTopologicalToken, parsePaginationToken, positionBefore } from './pagination-token';

describe('parsePaginationToken', () => {
  it('reads /sync prev_batch and next_batch tokens (s<stream>_<typing>) by their stream part', () => {
    // matrix-js-sdk passes a sync prev_batch straight to /messages `from` (spec allows it).
    const token = formatSyncToken({ stream: 133, typing: 2 });
    expect(parsePaginationToken(token, 'from')).toEqual({ kind: 'stream', stream: 133 });
  });

  it('reads bare stream positions', () => {
    expect(parsePaginationToken('s42', 'from')).toEqual({ kind: 'stream', stream: 42 });
    expect(parsePaginationToken('42', 'at')).toEqual({ kind: 'stream', stream: 42 });
  });

  it('round-trips topological tokens', () => {
    const position = positionBefore({ depth: 7, stream: 90 });
    expect(parsePaginationToken(formatTopologicalToken(position), 'from')).toEqual({
      kind: 'topological',
      position: { depth: 7, stream: 89 },
    });
  });

  it.each(['', 's', 's1_', '_1', 'x1_2', 's1_2_3', 't1', 's1234567890123456'])(
    'rejects %j with M_INVALID_PARAM naming the parameter',
    (token) => {
      expect(() => parsePaginationToken(token, 'from')).toThrow(/"from" is not a pagination token/);
    },
  );
});
