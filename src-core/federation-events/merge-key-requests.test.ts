import { describe, expect, it } from 'vitest';
import { mergeKeyRequests } from './received-pdu';

describe('mergeKeyRequests', () => {
  it('keeps one request per server and key, at the latest time asked', () => {
    expect(
      mergeKeyRequests([
        { serverName: 'a', keyId: 'ed25519:1', validAtTs: 5 },
        { serverName: 'a', keyId: 'ed25519:1', validAtTs: 9 },
        { serverName: 'a', keyId: 'ed25519:1', validAtTs: 7 },
        { serverName: 'a', keyId: 'ed25519:2', validAtTs: 1 },
        { serverName: 'b', keyId: 'ed25519:1', validAtTs: 3 },
      ]),
    ).toEqual([
      { serverName: 'a', keyId: 'ed25519:1', validAtTs: 9 },
      { serverName: 'a', keyId: 'ed25519:2', validAtTs: 1 },
      { serverName: 'b', keyId: 'ed25519:1', validAtTs: 3 },
    ]);
  });

  it('treats a request without a time as the weakest', () => {
    expect(
      mergeKeyRequests([
        { serverName: 'a', keyId: 'k' },
        { serverName: 'a', keyId: 'k', validAtTs: 4 },
        { serverName: 'a', keyId: 'k' },
      ]),
    ).toEqual([{ serverName: 'a', keyId: 'k', validAtTs: 4 }]);
    expect(mergeKeyRequests([{ serverName: 'a', keyId: 'k' }])).toEqual([
      { serverName: 'a', keyId: 'k' },
    ]);
  });
});
