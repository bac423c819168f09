/**
 * Electron replaced at its IPC boundary, for tests: a fake `ipcMain` that records handlers and
 * lets a test invoke them as the page would, a fake WebContents that records what it was sent,
 * and a fake `ipcRenderer` wired straight to a fake `ipcMain`.
 */
import type { IpcEventLike, IpcMainLike, WebContentsLike } from '../ipc-handlers';
import { APP_START_URL } from '../app-protocol';

type Listener = (event: IpcEventLike, ...args: unknown[]) => unknown;

export class FakeWebContents implements WebContentsLike {
  readonly sent: { channel: string; args: unknown[] }[] = [];
  private destroyed = false;
  private readonly onDestroyed: (() => void)[] = [];

  constructor(readonly id: number) {}

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('send on a destroyed WebContents');
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  once(_event: 'destroyed', listener: () => void): void {
    this.onDestroyed.push(listener);
  }
  destroy(): void {
    this.destroyed = true;
    for (const listener of this.onDestroyed.splice(0)) listener();
  }
}

export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  readonly listeners = new Map<string, Set<Listener>>();

  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  on(channel: string, listener: Listener): void {
    const set = this.listeners.get(channel) ?? new Set();
    set.add(listener);
    this.listeners.set(channel, set);
  }
  removeListener(channel: string, listener: Listener): void {
    this.listeners.get(channel)?.delete(listener);
  }

  /** What `ipcRenderer.invoke(channel, ...args)` would resolve to in the page. */
  async invoke(
    channel: string,
    args: unknown[],
    from: IpcEventLike = pageEvent(new FakeWebContents(1)),
  ): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    // Arguments cross processes by structured clone, as Electron's IPC does.
    return handler(from, ...structuredClone(args));
  }

  emit(channel: string, from: IpcEventLike, ...args: unknown[]): void {
    for (const listener of this.listeners.get(channel) ?? []) listener(from, ...args);
  }
}

/** An IPC event from our own page in `sender`. */
export function pageEvent(sender: WebContentsLike, url = APP_START_URL): IpcEventLike {
  return { sender, senderFrame: { url } };
}
