import { describe, expect, it } from 'vitest';
import {
  isEventVisible,
  morePermissiveMembership,
  parseHistoryVisibility,
} from './history-visibility';
import { formatTopologicalToken, parsePaginationToken, positionBefore } from './pagination-token';

describe('isEventVisible (spec algorithm, steps 1-5)', () => {
  it.each([
    ['world_readable', undefined, false, true],
    ['joined', 'join', false, true],
    ['joined', 'invite', false, false],
    ['joined', 'leave', true, false],
    ['shared', undefined, true, true],
    ['shared', 'leave', false, false],
    ['invited', 'invite', false, true],
    ['invited', 'leave', true, false],
  ] as const)(
    '%s, membership %s, joined later %s → %s',
    (visibility, membership, later, expected) => {
      expect(
        isEventVisible({ visibility, membershipAtEvent: membership, joinedLater: later }),
      ).toBe(expected);
    },
  );

  it('treats unknown visibility as shared and prefers join over invite', () => {
    expect(parseHistoryVisibility('nonsense')).toBe('shared');
    expect(parseHistoryVisibility(undefined)).toBe('shared');
    expect(morePermissiveMembership('leave', 'join')).toBe('join');
    expect(morePermissiveMembership('invite', 'leave')).toBe('invite');
  });
});

describe('pagination tokens', () => {
  it('round-trips topological tokens and reads stream tokens', () => {
    expect(parsePaginationToken(formatTopologicalToken({ depth: 12, stream: 40 }), 'from')).toEqual(
      {
        kind: 'topological',
        position: { depth: 12, stream: 40 },
      },
    );
    expect(positionBefore({ depth: 3, stream: 9 })).toEqual({ depth: 3, stream: 8 });
    expect(parsePaginationToken('s77', 'from')).toEqual({ kind: 'stream', stream: 77 });
    expect(parsePaginationToken('77', 'from')).toEqual({ kind: 'stream', stream: 77 });
    expect(() => parsePaginationToken('t1', 'from')).toThrow(/"from"/);
  });
});
