import { describe, expect, it } from 'vitest';
import type {
  AdminStreamMessage,
  EventSummary,
  ResyncProgress,
  RoomSummary,
} from '../../../src-core/admin-api/admin-api-types';
import { syntheticDag } from '../testing/synthetic-dag';
import type { AdminTransport, StreamConnectionState } from '../transport/admin-transport';
import { AdminTransportError } from '../transport/admin-transport';
import { createAdminStore } from './admin-store';

const ROOM = '!synthetic:example.org';

/** A transport whose answers the test chooses and whose stream the test drives. */
function fakeTransport(events: EventSummary[], options: { failWith?: Error } = {}) {
  let listener: ((message: AdminStreamMessage) => void) | undefined;
  let connection: ((state: StreamConnectionState) => void) | undefined;
  const calls: string[] = [];
  const room: RoomSummary = {
    roomId: ROOM,
    roomVersion: '10',
    name: 'Synthetic',
    canonicalAlias: null,
    joinedMembers: 2,
    partial: true,
    joinEventId: '$e3',
    joinedVia: 'a.example',
    serversInRoom: [],
    resync: null,
  };
  // Every answer is a newer snapshot, as the server's revisions are.
  let revision = 0;
  const snapshot = (change: Partial<ResyncProgress>): ResyncProgress =>
    ({ roomId: ROOM, phase: 'paused', revision: ++revision, ...change }) as ResyncProgress;
  const fail = async (): Promise<never> => {
    throw options.failWith;
  };
  const transport = {
    kind: 'http',
    serverInfo: async () => ({
      serverName: 'hs',
      version: '0',
      startedTs: 0,
      destinations: [],
      recentLogs: [{ ts: 1, level: 'warn', message: 'before you came', fields: {} }],
    }),
    listRooms: async () => (options.failWith ? fail() : [room]),
    getRoom: async () => room,
    listEvents: async () => events,
    getEvent: async () => {
      throw new Error('unused');
    },
    listStateResets: async () => [],
    pauseResync: async () => {
      calls.push('pause');
      return snapshot({ phase: 'paused' });
    },
    resumeResync: async () => {
      calls.push('resume');
      return snapshot({ phase: 'running' });
    },
    stepResync: async (_roomId: string, n: number) => {
      calls.push(`step ${n}`);
      return snapshot({ stepsRemaining: n });
    },
    setResyncThrottle: async () => snapshot({}),
    joinRoom: async () => ({ roomId: ROOM }),
    subscribe: (callback: (message: AdminStreamMessage) => void) => {
      listener = callback;
      return () => (listener = undefined);
    },
    onConnectionChange: (callback: (state: StreamConnectionState) => void) => {
      connection = callback;
      callback('open');
      return () => undefined;
    },
  } as unknown as AdminTransport;
  return {
    transport,
    calls,
    push: (message: AdminStreamMessage) => listener?.(message),
    setConnection: (state: StreamConnectionState) => connection?.(state),
  };
}

describe('admin store', () => {
  it('loads rooms, opens one with J selected, and steps the selection through the layout', async () => {
    const fake = fakeTransport(syntheticDag(10));
    const store = createAdminStore({ scheduleFlush: (flush) => flush() });
    await store.getState().connect(fake.transport);
    expect(Object.keys(store.getState().rooms)).toEqual([ROOM]);
    await store.getState().openRoom(ROOM);
    expect(store.getState().graphs[ROOM]?.size).toBe(10);
    expect(store.getState().selectedEventId).toBe('$e3');
    expect(store.getState().focus?.eventId).toBe('$e3');
    store.getState().stepSelection(1);
    expect(store.getState().selectedEventId).toBe(store.getState().graphs[ROOM]?.layout.idAt(4));
    store.getState().stepSelection(-100);
    expect(store.getState().selectedEventId).toBe('$e0');
  });

  it('batches stream messages into one flush', async () => {
    const fake = fakeTransport(syntheticDag(5));
    const flushes: (() => void)[] = [];
    const store = createAdminStore({ scheduleFlush: (flush) => flushes.push(flush) });
    await store.getState().connect(fake.transport);
    await store.getState().openRoom(ROOM);
    const before = store.getState().graphVersion;
    const more = syntheticDag(8).slice(5);
    for (const event of more) fake.push({ kind: 'event', event });
    expect(flushes).toHaveLength(1);
    expect(store.getState().graphs[ROOM]?.size).toBe(5);
    flushes[0]?.();
    expect(store.getState().graphs[ROOM]?.size).toBe(8);
    expect(store.getState().graphVersion).toBe(before + 1);
  });

  it('shows the log lines the server kept from before the page connected', async () => {
    const store = createAdminStore({ scheduleFlush: (flush) => flush() });
    await store.getState().connect(fakeTransport([]).transport);
    expect(store.getState().logs.map((line) => line.message)).toEqual(['before you came']);
  });

  it('keeps the progress the resync commands answer with', async () => {
    const fake = fakeTransport([]);
    const store = createAdminStore({ scheduleFlush: (flush) => flush() });
    await store.getState().connect(fake.transport);
    await store.getState().stepResync(ROOM, 5);
    expect(store.getState().resync[ROOM]?.stepsRemaining).toBe(5);
    await store.getState().resumeResync(ROOM);
    expect(store.getState().resync[ROOM]?.phase).toBe('running');
    expect(fake.calls).toEqual(['step 5', 'resume']);
  });

  it('turns a refused token into authError, other failures into a notice', async () => {
    const refused = createAdminStore({ scheduleFlush: (flush) => flush() });
    await refused
      .getState()
      .connect(
        fakeTransport([], { failWith: new AdminTransportError(401, 'M_UNKNOWN_TOKEN', 'bad') })
          .transport,
      );
    expect(refused.getState().authError).toBe('bad');
    const broken = createAdminStore({ scheduleFlush: (flush) => flush() });
    await broken.getState().connect(fakeTransport([], { failWith: new Error('boom') }).transport);
    expect(broken.getState().authError).toBeNull();
    expect(broken.getState().notice).toBe('boom');
  });
});
