/**
 * What screens talk to: exactly the core's AdminApi, whichever way it travels (HTTP + WebSocket
 * in a browser, IPC in Electron). Failures surface as AdminTransportError with the Matrix errcode.
 */
import type { AdminApi } from '../../../src-core/admin-api/admin-api-types';

export type AdminTransport = AdminApi & {
  /** Which way it travels: shown in the status bar only, never used by screens to branch. */
  readonly kind: 'http' | 'ipc';
  /** Connection of the live stream, for the status bar. */
  onConnectionChange(listener: (state: StreamConnectionState) => void): () => void;
};

export type StreamConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export class AdminTransportError extends Error {
  constructor(
    /** HTTP status (0 when the server could not be reached at all). */
    readonly status: number,
    /** The Matrix errcode, e.g. M_UNKNOWN_TOKEN, M_NOT_FOUND; M_CONNECTION_FAILED when unreachable. */
    readonly errcode: string,
    message: string,
  ) {
    super(message);
    this.name = 'AdminTransportError';
  }

  /** The token is missing or wrong: the GUI asks for it again. */
  get isAuthFailure(): boolean {
    return this.status === 401 || this.errcode === 'M_UNKNOWN_TOKEN';
  }
}
