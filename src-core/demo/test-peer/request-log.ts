/** Every request the peer received, for assertions such as "no /state_ids while paused". */
import type { PeerEndpoint } from './peer-endpoints';

export interface LoggedRequest {
  endpoint: PeerEndpoint | 'unknown';
  method: string;
  path: string;
  query: Record<string, string[]>;
  /** The X-Matrix origin (not verified: the peer only records who claimed to call). */
  origin: string | undefined;
  body: unknown;
  /** Date.now() when the request arrived. */
  time: number;
  /** The status sent, once answered (undefined while held, or for dropped connections). */
  status: number | undefined;
}

export class RequestLog {
  readonly entries: LoggedRequest[] = [];
  private listeners: (() => void)[] = [];

  record(entry: LoggedRequest): void {
    this.entries.push(entry);
    for (const listener of this.listeners.splice(0)) listener();
  }

  of(endpoint: PeerEndpoint): LoggedRequest[] {
    return this.entries.filter((e) => e.endpoint === endpoint);
  }

  /** Waits for a request to `endpoint` matching `predicate` (already logged ones count). */
  async waitFor(
    endpoint: PeerEndpoint,
    predicate: (request: LoggedRequest) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<LoggedRequest> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.of(endpoint).find(predicate);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no matching ${endpoint} request within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.listeners.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }
}
