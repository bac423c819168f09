import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logging/logger';
import { CurrentStateStore } from './current-state-store';
import { Database } from './database';

let db: Database;
beforeEach(async () => {
  db = await Database.open(
    path.join(mkdtempSync(path.join(tmpdir(), 'skein-current-')), 'db'),
    silentLogger,
  );
});
afterEach(() => db.close());

describe('CurrentStateStore.hasOtherJoinedMemberOn', () => {
  it('finds another joined member of the same server, ignoring the given user, leavers and other rooms', () => {
    const store = new CurrentStateStore(db);
    store.setOutOfRoomMembership('!r:x', '@joiner:b.example', 'join', '$1');
    expect(store.hasOtherJoinedMemberOn('!r:x', 'b.example', '@joiner:b.example')).toBe(false);

    store.setOutOfRoomMembership('!r:x', '@left:b.example', 'leave', '$2');
    store.setOutOfRoomMembership('!other:x', '@friend:b.example', 'join', '$3');
    store.setOutOfRoomMembership('!r:x', '@friend:c.example', 'join', '$4');
    expect(store.hasOtherJoinedMemberOn('!r:x', 'b.example', '@joiner:b.example')).toBe(false);

    store.setOutOfRoomMembership('!r:x', '@friend:b.example', 'join', '$5');
    expect(store.hasOtherJoinedMemberOn('!r:x', 'b.example', '@joiner:b.example')).toBe(true);
    expect(store.hasOtherJoinedMemberOn('!r:x', 'c.example', '@joiner:b.example')).toBe(true);
    expect(store.hasOtherJoinedMemberOn('!r:x', 'c.example', '@friend:c.example')).toBe(false);
  });

  it('answers from the (room, server, membership) index without scanning the room', () => {
    const plan = db
      .statement(
        `EXPLAIN QUERY PLAN SELECT 1 FROM current_memberships
         WHERE room_id = ? AND server_name = ? AND membership = 'join' AND user_id != ?`,
      )
      .all('!r:x', 'b.example', '@u:b.example') as { detail: string }[];
    expect(plan.map((row) => row.detail).join('\n')).toMatch(
      /USING (COVERING )?INDEX current_memberships_(server|by_server) \(room_id=\? AND server_name=\? AND membership=\?\)|USING (COVERING )?INDEX current_memberships_by_server \(server_name=\? AND membership=\? AND room_id=\?\)/,
    );
  });
});

describe('CurrentStateStore.joinedServers', () => {
  it('lists each server with a joined member once, in name order, ignoring leavers and other rooms', () => {
    const store = new CurrentStateStore(db);
    expect(store.joinedServers('!r:x')).toEqual([]);
    const rows: [string, string, string][] = [
      ['!r:x', '@a:c.example', 'join'],
      ['!r:x', '@b:a.example', 'leave'],
      ['!r:x', '@c:a.example', 'join'],
      ['!r:x', '@d:b.example', 'invite'],
      ['!r:x', '@e:c.example', 'join'],
      ['!r:x', '@f:d.example', 'leave'],
      ['!other:x', '@g:z.example', 'join'],
    ];
    for (const [i, [room, user, membership]] of rows.entries())
      store.setOutOfRoomMembership(room, user, membership, `$${i}`);
    expect(store.joinedServers('!r:x')).toEqual(['a.example', 'c.example']);
    expect(store.joinedServers('!other:x')).toEqual(['z.example']);
  });
});
