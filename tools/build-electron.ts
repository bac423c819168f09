/**
 * Builds what the desktop app runs: the admin GUI (renderer/dist, only when stale) and, with
 * esbuild's JS API, the main process and the preload script to electron/dist/. The main bundle
 * holds the whole core, so nothing is compiled at run time; only native or optional modules
 * stay outside it. The preload is sandboxed, which lets it `require` only `electron`: one file.
 */
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { BuildOptions, Plugin } from 'esbuild';
import { ensureRendererBuild } from './ensure-renderer-build';

const root = path.resolve(import.meta.dirname, '..');
export const ELECTRON_OUT_DIR = path.join(root, 'electron', 'dist');

/** Modules the main bundle loads from node_modules at run time. */
export const MAIN_EXTERNALS = [
  'electron',
  // Native: rebuilt for Electron's ABI by electron-builder and unpacked from the asar.
  'better-sqlite3',
  // ws's optional native speed-ups, which it loads only if present.
  'bufferutil',
  'utf-8-validate',
];

const SQLITE_SHIM = path.join(root, 'electron', 'better-sqlite3-for-electron.ts');

/** Every `better-sqlite3` import in the core goes to the shim; the shim's own stays external. */
const betterSqliteForElectron: Plugin = {
  name: 'better-sqlite3-for-electron',
  setup(builder) {
    builder.onResolve({ filter: /^better-sqlite3$/ }, (args) =>
      args.importer === SQLITE_SHIM
        ? { path: 'better-sqlite3', external: true }
        : { path: SQLITE_SHIM },
    );
  },
};

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
};

export async function buildElectron(): Promise<void> {
  await Promise.all([
    build({
      ...common,
      entryPoints: ['electron/main.ts'],
      outfile: path.join(ELECTRON_OUT_DIR, 'main.cjs'),
      // Electron 45 runs Node 22.
      target: 'node22',
      external: MAIN_EXTERNALS,
      plugins: [betterSqliteForElectron],
      // The core finds its migrations and the GUI relative to its own file (import.meta.url);
      // main.cjs sits two folders below the app root, like src-core/<dir>/<file>.ts does.
      define: { 'import.meta.url': '__skeinImportMetaUrl' },
      banner: {
        js: "const __skeinImportMetaUrl = require('node:url').pathToFileURL(__filename).href;",
      },
    }),
    build({
      ...common,
      entryPoints: ['electron/preload.ts'],
      outfile: path.join(ELECTRON_OUT_DIR, 'preload.cjs'),
      target: 'chrome130',
      external: ['electron'],
    }),
  ]);
}

async function main(): Promise<void> {
  await ensureRendererBuild();
  await buildElectron();
  process.stderr.write(
    `skein: built ${path.relative(root, ELECTRON_OUT_DIR)}/{main,preload}.cjs\n`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
