/**
 * The preload script with Electron replaced at its boundary: it must expose exactly one global,
 * `skein`, shaped as SkeinIpcBridge, and talk to the main process only over our channels.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ADMIN_METHOD_NAMES, IPC_BRIDGE_VERSION } from '../renderer/src/transport/ipc-bridge';
import type { SkeinIpcBridge } from '../renderer/src/transport/ipc-bridge';
import { adminChannel, IPC_CHANNELS } from './ipc-channels';

type Listener = (event: unknown, ...args: unknown[]) => void;

const electron = vi.hoisted(() => {
  const exposed = new Map<string, unknown>();
  const listeners = new Map<string, Set<Listener>>();
  const invoked: { channel: string; args: unknown[] }[] = [];
  const sent: { channel: string; args: unknown[] }[] = [];
  return {
    exposed,
    listeners,
    invoked,
    sent,
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api),
    },
    ipcRenderer: {
      invoke: async (channel: string, ...args: unknown[]) => {
        invoked.push({ channel, args });
        if (channel.endsWith(':listRooms')) return { ok: true, value: [] };
        throw new Error(`Error invoking remote method '${channel}': boom`);
      },
      send: (channel: string, ...args: unknown[]) => sent.push({ channel, args }),
      on: (channel: string, listener: Listener) => {
        const set = listeners.get(channel) ?? new Set<Listener>();
        set.add(listener);
        listeners.set(channel, set);
      },
      removeListener: (channel: string, listener: Listener) =>
        listeners.get(channel)?.delete(listener),
    },
  };
});

vi.mock('electron', () => ({
  contextBridge: electron.contextBridge,
  ipcRenderer: electron.ipcRenderer,
}));

function bridge(): SkeinIpcBridge {
  return electron.exposed.get('skein') as SkeinIpcBridge;
}

function deliver(channel: string, ...args: unknown[]): void {
  for (const listener of electron.listeners.get(channel) ?? []) listener({ sender: 'x' }, ...args);
}

beforeEach(async () => {
  vi.resetModules();
  electron.exposed.clear();
  electron.listeners.clear();
  electron.invoked.length = 0;
  electron.sent.length = 0;
  await import('./preload');
});

describe('preload', () => {
  it('exposes only window.skein, with every bridge member and nothing else', () => {
    expect([...electron.exposed.keys()]).toEqual(['skein']);
    expect(Object.keys(bridge()).sort()).toEqual(
      [
        ...ADMIN_METHOD_NAMES,
        'bridgeVersion',
        'getSettings',
        'updateSettings',
        'onStreamMessage',
        'onAppCommand',
      ].sort(),
    );
    expect(bridge().bridgeVersion).toBe(IPC_BRIDGE_VERSION);
    for (const [key, member] of Object.entries(bridge())) {
      if (key !== 'bridgeVersion') expect(typeof member, key).toBe('function');
    }
  });

  it('invokes one channel per method with the arguments as given', async () => {
    await bridge().getEvent('!r:x', '$e');
    await bridge().updateSettings({ port: 9000 });
    expect(electron.invoked).toEqual([
      { channel: adminChannel('getEvent'), args: ['!r:x', '$e'] },
      { channel: IPC_CHANNELS.updateSettings, args: [{ port: 9000 }] },
    ]);
  });

  it('resolves to the IpcResult, and turns a failed invoke into one instead of rejecting', async () => {
    expect(await bridge().listRooms()).toEqual({ ok: true, value: [] });
    expect(await bridge().serverInfo()).toEqual({
      ok: false,
      status: 500,
      errcode: 'M_UNKNOWN',
      error: `${adminChannel('serverInfo')}: Error invoking remote method '${adminChannel('serverInfo')}': boom`,
    });
  });

  it('subscribes the main process once for any number of stream callbacks', () => {
    const a: unknown[] = [];
    const b: unknown[] = [];
    const stopA = bridge().onStreamMessage((m) => a.push(m));
    const stopB = bridge().onStreamMessage((m) => b.push(m));
    expect(electron.sent).toEqual([{ channel: IPC_CHANNELS.streamSubscription, args: [true] }]);
    const message = { kind: 'log', line: { ts: 1, level: 'warn', message: 'm', fields: {} } };
    deliver(IPC_CHANNELS.streamMessage, message);
    expect(a).toEqual([message]);
    expect(b).toEqual([message]);
    stopA();
    stopA();
    expect(electron.sent).toHaveLength(1);
    stopB();
    expect(electron.sent.at(-1)).toEqual({
      channel: IPC_CHANNELS.streamSubscription,
      args: [false],
    });
    deliver(IPC_CHANNELS.streamMessage, message);
    expect(b).toHaveLength(1);
  });

  it('hands menu commands to the page without the IPC event', () => {
    const commands: unknown[] = [];
    const stop = bridge().onAppCommand((command) => commands.push(command));
    deliver(IPC_CHANNELS.appCommand, 'join-room');
    stop();
    deliver(IPC_CHANNELS.appCommand, 'open-settings');
    expect(commands).toEqual(['join-room']);
  });
});
