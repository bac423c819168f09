import { describe, expect, it } from 'vitest';
import type { AdminStreamMessage } from '../../../src-core/admin-api/admin-api-types';
import type { StreamConnectionState } from './admin-transport';
import type { WebSocketLike } from './reconnecting-stream';
import { ReconnectingStream, reconnectDelayMs } from './reconnecting-stream';

class FakeSocket implements WebSocketLike {
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  closed = false;
  close(): void {
    this.closed = true;
    this.onclose?.({});
  }
}

describe('ReconnectingStream', () => {
  it('doubles the delay from 0.5 s up to 30 s', () => {
    expect([0, 1, 2, 3, 6, 7, 50].map((n) => reconnectDelayMs(n))).toEqual([
      500, 1000, 2000, 4000, 30_000, 30_000, 30_000,
    ]);
  });

  it('delivers messages, reopens after drops with backoff, and stops on close', () => {
    const sockets: FakeSocket[] = [];
    const timers: { callback: () => void; ms: number }[] = [];
    const states: StreamConnectionState[] = [];
    const messages: AdminStreamMessage[] = [];
    const stream = new ReconnectingStream({
      url: 'wss://127.0.0.1/_skein/admin/v1/stream?access_token=t',
      createSocket: () => {
        const socket = new FakeSocket();
        sockets.push(socket);
        return socket;
      },
      onMessage: (message) => messages.push(message),
      onState: (state) => states.push(state),
      timers: {
        set: (callback, ms) => timers.push({ callback, ms }),
        clear: () => undefined,
      },
    });
    sockets[0]?.onopen?.({});
    const line = { ts: 1, level: 'warn', message: 'm', fields: {} } as const;
    sockets[0]?.onmessage?.({ data: JSON.stringify({ kind: 'log', line }) });
    sockets[0]?.onmessage?.({ data: 'not json' });
    expect(messages).toEqual([{ kind: 'log', line }]);

    sockets[0]?.onclose?.({}); // dropped
    sockets[0]?.onclose?.({}); // a second close of the same socket changes nothing
    expect(timers.map((t) => t.ms)).toEqual([500]);
    timers[0]?.callback();
    sockets[1]?.onclose?.({}); // failed again before opening
    expect(timers.map((t) => t.ms)).toEqual([500, 1000]);
    timers[1]?.callback();
    sockets[2]?.onopen?.({}); // open resets the backoff
    sockets[2]?.onclose?.({});
    expect(timers.map((t) => t.ms)).toEqual([500, 1000, 500]);
    timers[2]?.callback();
    stream.close();
    expect(sockets[3]?.closed).toBe(true);
    expect(timers).toHaveLength(3);
    expect(states).toEqual([
      'connecting',
      'open',
      'reconnecting',
      'reconnecting',
      'reconnecting',
      'reconnecting',
      'open',
      'reconnecting',
      'reconnecting',
      'closed',
    ]);
  });
});
