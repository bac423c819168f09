/**
 * The admin API over HTTPS + WebSocket, as served by the headless server under
 * /_skein/admin/v1/ (responses are the camelCase objects of admin-api-types; list endpoints wrap
 * in `{rooms}`, `{events}`, `{resets}`). fetch and the socket are injected so the same code runs
 * in Node tests against a real server.
 */
import type {
  AdminStreamMessage,
  EventDetail,
  EventSummary,
  JoinRoomRequest,
  ResyncProgress,
  RoomSummary,
  ServerInfo,
  StateReset,
} from '../../../src-core/admin-api/admin-api-types';
import type { AdminTransport, StreamConnectionState } from './admin-transport';
import { AdminTransportError } from './admin-transport';
import type { WebSocketFactory } from './reconnecting-stream';
import { ReconnectingStream } from './reconnecting-stream';

export const ADMIN_API_PATH = '/_skein/admin/v1';

export interface HttpAdminTransportOptions {
  /** `https://host:port` (the page's own origin in the browser). */
  baseUrl: string;
  token: string;
  fetch?: typeof globalThis.fetch;
  createSocket?: WebSocketFactory;
}

const enc = encodeURIComponent;

export class HttpAdminTransport implements AdminTransport {
  readonly kind = 'http' as const;
  private readonly fetchFn: typeof globalThis.fetch;
  private readonly createSocket: WebSocketFactory;
  private readonly listeners = new Set<(message: AdminStreamMessage) => void>();
  private readonly stateListeners = new Set<(state: StreamConnectionState) => void>();
  private stream: ReconnectingStream | null = null;
  private state: StreamConnectionState = 'closed';

  constructor(private readonly options: HttpAdminTransportOptions) {
    this.fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.createSocket =
      options.createSocket ??
      ((url) => new WebSocket(url) as unknown as ReturnType<WebSocketFactory>);
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await this.fetchFn(`${this.options.baseUrl}${ADMIN_API_PATH}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new AdminTransportError(
        0,
        'M_CONNECTION_FAILED',
        `${method} ${path}: server unreachable (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      json = null;
    }
    if (!response.ok) {
      const fields = (typeof json === 'object' && json !== null ? json : {}) as Record<
        string,
        unknown
      >;
      const errcode = typeof fields['errcode'] === 'string' ? fields['errcode'] : 'M_UNKNOWN';
      const error = typeof fields['error'] === 'string' ? fields['error'] : response.statusText;
      throw new AdminTransportError(response.status, errcode, `${method} ${path}: ${error}`);
    }
    return json as T;
  }

  serverInfo(): Promise<ServerInfo> {
    return this.call('GET', '/server');
  }

  async listRooms(): Promise<RoomSummary[]> {
    return (await this.call<{ rooms: RoomSummary[] }>('GET', '/rooms')).rooms;
  }

  getRoom(roomId: string): Promise<RoomSummary> {
    return this.call('GET', `/rooms/${enc(roomId)}`);
  }

  async listEvents(
    roomId: string,
    options: { fromDepth?: number; limit?: number; includeOutliers?: boolean } = {},
  ): Promise<EventSummary[]> {
    const query = new URLSearchParams();
    if (options.fromDepth !== undefined) query.set('from_depth', String(options.fromDepth));
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    if (options.includeOutliers) query.set('include_outliers', 'true');
    const suffix = query.size > 0 ? `?${query.toString()}` : '';
    return (
      await this.call<{ events: EventSummary[] }>('GET', `/rooms/${enc(roomId)}/events${suffix}`)
    ).events;
  }

  getEvent(roomId: string, eventId: string): Promise<EventDetail> {
    return this.call('GET', `/rooms/${enc(roomId)}/events/${enc(eventId)}`);
  }

  async listStateResets(roomId: string): Promise<StateReset[]> {
    return (await this.call<{ resets: StateReset[] }>('GET', `/rooms/${enc(roomId)}/state_resets`))
      .resets;
  }

  pauseResync(roomId: string): Promise<ResyncProgress> {
    return this.call('POST', `/rooms/${enc(roomId)}/resync/pause`, {});
  }

  resumeResync(roomId: string): Promise<ResyncProgress> {
    return this.call('POST', `/rooms/${enc(roomId)}/resync/resume`, {});
  }

  stepResync(roomId: string, events: number): Promise<ResyncProgress> {
    return this.call('POST', `/rooms/${enc(roomId)}/resync/step`, { events });
  }

  setResyncThrottle(roomId: string, eventsPerSecond: number | null): Promise<ResyncProgress> {
    return this.call('POST', `/rooms/${enc(roomId)}/resync/throttle`, {
      events_per_second: eventsPerSecond,
    });
  }

  joinRoom(request: JoinRoomRequest): Promise<{ roomId: string }> {
    return this.call('POST', '/join', {
      room: request.room,
      via: request.via,
      ...(request.userId === undefined ? {} : { user_id: request.userId }),
    });
  }

  startDemo(): Promise<{ roomId: string }> {
    return this.call('POST', '/demo', {});
  }

  private setState(state: StreamConnectionState): void {
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }

  onConnectionChange(listener: (state: StreamConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.state);
    return () => this.stateListeners.delete(listener);
  }

  /** One socket shared by all subscribers, opened with the first and closed with the last. */
  subscribe(listener: (message: AdminStreamMessage) => void): () => void {
    this.listeners.add(listener);
    if (this.stream === null) {
      const wsBase = this.options.baseUrl.replace(/^http/, 'ws');
      this.stream = new ReconnectingStream({
        url: `${wsBase}${ADMIN_API_PATH}/stream?access_token=${enc(this.options.token)}`,
        createSocket: this.createSocket,
        onMessage: (message) => {
          for (const one of this.listeners) one(message);
        },
        onState: (state) => this.setState(state),
      });
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.stream !== null) {
        this.stream.close();
        this.stream = null;
      }
    };
  }
}
