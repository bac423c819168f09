/**
 * The admin stream's WebSocket, reopened after every drop with exponential backoff (0.5 s
 * doubling to 30 s) so the GUI survives a server restart. The socket constructor is injected so
 * Node tests can use the `ws` package against a self-signed server.
 */
import type { AdminStreamMessage } from '../../../src-core/admin-api/admin-api-types';
import type { StreamConnectionState } from './admin-transport';

/** The part of the browser WebSocket this needs (the `ws` package has the same shape). */
export interface WebSocketLike {
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
}

export type WebSocketFactory = (url: string) => WebSocketLike;

export interface ReconnectingStreamOptions {
  url: string;
  createSocket: WebSocketFactory;
  onMessage: (message: AdminStreamMessage) => void;
  onState: (state: StreamConnectionState) => void;
  /** Injected for tests; default setTimeout/clearTimeout. */
  timers?: {
    set: (callback: () => void, ms: number) => unknown;
    clear: (handle: unknown) => void;
  };
  minDelayMs?: number;
  maxDelayMs?: number;
}

export function reconnectDelayMs(attempt: number, minDelayMs = 500, maxDelayMs = 30_000): number {
  return Math.min(maxDelayMs, minDelayMs * 2 ** Math.min(attempt, 20));
}

export class ReconnectingStream {
  private socket: WebSocketLike | null = null;
  private attempt = 0;
  private timer: unknown = null;
  private stopped = false;
  private readonly timers: NonNullable<ReconnectingStreamOptions['timers']>;

  constructor(private readonly options: ReconnectingStreamOptions) {
    this.timers = options.timers ?? {
      set: (callback, ms) => setTimeout(callback, ms),
      clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
    this.open();
  }

  private open(): void {
    this.timer = null;
    this.options.onState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let socket: WebSocketLike;
    try {
      socket = this.options.createSocket(this.options.url);
    } catch {
      this.scheduleReopen();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.options.onState('open');
    };
    socket.onmessage = (event) => {
      const data = event.data;
      const text = typeof data === 'string' ? data : String(data);
      let message: AdminStreamMessage;
      try {
        message = JSON.parse(text) as AdminStreamMessage;
      } catch {
        return; // not ours to crash on: the server only sends JSON
      }
      this.options.onMessage(message);
    };
    socket.onerror = () => undefined; // a close always follows
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (!this.stopped) this.scheduleReopen();
    };
  }

  private scheduleReopen(): void {
    this.options.onState('reconnecting');
    const delay = reconnectDelayMs(this.attempt, this.options.minDelayMs, this.options.maxDelayMs);
    this.attempt += 1;
    this.timer = this.timers.set(() => this.open(), delay);
  }

  close(): void {
    this.stopped = true;
    if (this.timer !== null) this.timers.clear(this.timer);
    const socket = this.socket;
    this.socket = null;
    socket?.close();
    this.options.onState('closed');
  }
}
