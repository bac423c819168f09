/**
 * The preload script (sandboxed: bundled to one CommonJS file, it may require only `electron`).
 * Exposes exactly one thing to the page: `window.skein`, the typed admin bridge.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createSkeinBridge } from './preload-bridge';

contextBridge.exposeInMainWorld('skein', createSkeinBridge(ipcRenderer));
