/** The admin API through Electron's preload bridge (`window.skein`, see ipc-bridge.ts). */
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
import type { IpcResult, SkeinIpcBridge } from './ipc-bridge';

function unwrap<T>(method: string, result: IpcResult<T>): T {
  if (result.ok) return result.value;
  throw new AdminTransportError(result.status, result.errcode, `${method}: ${result.error}`);
}

export class IpcAdminTransport implements AdminTransport {
  readonly kind = 'ipc' as const;

  constructor(private readonly bridge: SkeinIpcBridge) {}

  async serverInfo(): Promise<ServerInfo> {
    return unwrap('serverInfo', await this.bridge.serverInfo());
  }
  async listRooms(): Promise<RoomSummary[]> {
    return unwrap('listRooms', await this.bridge.listRooms());
  }
  async getRoom(roomId: string): Promise<RoomSummary> {
    return unwrap('getRoom', await this.bridge.getRoom(roomId));
  }
  async listEvents(
    roomId: string,
    options?: { fromDepth?: number; limit?: number; includeOutliers?: boolean },
  ): Promise<EventSummary[]> {
    return unwrap('listEvents', await this.bridge.listEvents(roomId, options));
  }
  async getEvent(roomId: string, eventId: string): Promise<EventDetail> {
    return unwrap('getEvent', await this.bridge.getEvent(roomId, eventId));
  }
  async listStateResets(roomId: string): Promise<StateReset[]> {
    return unwrap('listStateResets', await this.bridge.listStateResets(roomId));
  }
  async pauseResync(roomId: string): Promise<ResyncProgress> {
    return unwrap('pauseResync', await this.bridge.pauseResync(roomId));
  }
  async resumeResync(roomId: string): Promise<ResyncProgress> {
    return unwrap('resumeResync', await this.bridge.resumeResync(roomId));
  }
  async stepResync(roomId: string, events: number): Promise<ResyncProgress> {
    return unwrap('stepResync', await this.bridge.stepResync(roomId, events));
  }
  async setResyncThrottle(roomId: string, eventsPerSecond: number | null): Promise<ResyncProgress> {
    return unwrap(
      'setResyncThrottle',
      await this.bridge.setResyncThrottle(roomId, eventsPerSecond),
    );
  }
  async joinRoom(request: JoinRoomRequest): Promise<{ roomId: string }> {
    return unwrap('joinRoom', await this.bridge.joinRoom(request));
  }

  async startDemo(): Promise<{ roomId: string }> {
    return unwrap('startDemo', await this.bridge.startDemo());
  }

  subscribe(listener: (message: AdminStreamMessage) => void): () => void {
    return this.bridge.onStreamMessage(listener);
  }

  /** IPC has no connection to lose: it is open for as long as the window lives. */
  onConnectionChange(listener: (state: StreamConnectionState) => void): () => void {
    listener('open');
    return () => undefined;
  }
}
