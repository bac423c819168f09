/**
 * Stands in for `better-sqlite3` in the main-process bundle (tools/build-electron.ts aliases it).
 * node_modules/better-sqlite3 is built for Node's ABI, which `npm test` and `npm run serve` need;
 * Electron needs its own ABI. `npm start` keeps an Electron build of the addon in electron/native/
 * (tools/ensure-electron.ts) and this passes it as `nativeBinding`; a packaged app has none there
 * and uses node_modules' copy, which electron-builder rebuilt for Electron (`npmRebuild`).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { electronAddonName } from './better-sqlite3-addon-name';

// The ABI in the name keeps a build for another Electron unused.
const devAddon = path.join(
  __dirname,
  '..',
  'native',
  electronAddonName(process.versions.modules, process.platform, process.arch),
);
const nativeBinding = existsSync(devAddon) ? devAddon : undefined;

class ElectronDatabase extends BetterSqlite3 {
  constructor(filename?: string | Buffer, options: BetterSqlite3.Options = {}) {
    super(filename, nativeBinding === undefined ? options : { nativeBinding, ...options });
  }
}

export default ElectronDatabase;
