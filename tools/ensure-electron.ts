/**
 * First step of `npm start`: makes sure the Electron binary is here, and a build of
 * better-sqlite3's addon for Electron's ABI. `npm ci` fetches neither (electron's install script
 * is denied in package.json so installs work offline, and node_modules' addon is Node's, which
 * tests and `npm run serve` need): the first `npm start` runs electron's own installer, then
 * fetches the matching prebuilt addon (or compiles it) in a scratch copy of the package and
 * keeps it in electron/native/, where the main process's better-sqlite3 shim looks.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { electronAddonName } from '../electron/better-sqlite3-addon-name';
import { electronBinaryPath, electronPackageDir } from './electron-binary';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..');

const HOW_ELSE = `Without Electron, the same server and GUI run headless: npm run serve (then open the
admin URL it prints in a browser).`;

function ensureBinary(): number {
  if (electronBinaryPath() !== null) return 0;
  const dir = electronPackageDir();
  if (dir === null) {
    process.stderr.write(`skein: the electron package is not installed; run npm ci first.\n`);
    return 1;
  }
  process.stderr.write('skein: downloading the Electron binary (once)…\n');
  const result = spawnSync(process.execPath, [path.join(dir, 'install.js')], { stdio: 'inherit' });
  if (result.status === 0 && electronBinaryPath() !== null) return 0;
  process.stderr.write(
    `
skein: could not download the Electron binary, so the desktop app cannot start.
  Electron fetches it from GitHub releases on first use. Behind a proxy set
  ELECTRON_GET_USE_PROXY=1 and HTTPS_PROXY; with a mirror set ELECTRON_MIRROR; with a binary
  already on disk set ELECTRON_OVERRIDE_DIST_PATH to its folder. Then run npm start again.
${HOW_ELSE}
`,
  );
  return 1;
}

/** Runs a command quietly; true when it succeeded. */
function run(command: string, args: string[], cwd: string): boolean {
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  return result.status === 0;
}

function ensureSqliteAddon(binary: string): number {
  // Electron tells its own ABI when run as plain Node.
  const probe = spawnSync(
    binary,
    ['-p', 'process.versions.modules + " " + process.versions.electron'],
    {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      encoding: 'utf8',
    },
  );
  const [abi, electronVersion] = probe.stdout.trim().split(' ');
  if (probe.status !== 0 || !abi || !electronVersion) {
    process.stderr.write(`skein: could not run ${binary} to learn its ABI\n`);
    return 1;
  }
  const target = path.join(
    root,
    'electron',
    'native',
    electronAddonName(abi, process.platform, process.arch),
  );
  if (existsSync(target)) return 0;
  process.stderr.write(`skein: fetching better-sqlite3 for Electron ${electronVersion} (once)…\n`);
  const source = path.dirname(require.resolve('better-sqlite3/package.json'));
  const scratch = mkdtempSync(path.join(tmpdir(), 'skein-sqlite-electron-'));
  try {
    cpSync(source, scratch, {
      recursive: true,
      filter: (file) => !file.includes(`${path.sep}build`),
    });
    const electronArgs = [
      '--runtime',
      'electron',
      '--target',
      electronVersion,
      '--arch',
      process.arch,
    ];
    const built =
      run(
        process.execPath,
        [require.resolve('prebuild-install/bin.js'), ...electronArgs],
        scratch,
      ) ||
      run(
        process.execPath,
        [
          require.resolve('node-gyp/bin/node-gyp.js'),
          'rebuild',
          '--release',
          `--target=${electronVersion}`,
          `--arch=${process.arch}`,
          '--dist-url=https://electronjs.org/headers',
        ],
        scratch,
      );
    const addon = path.join(scratch, 'build', 'Release', 'better_sqlite3.node');
    if (!built || !existsSync(addon)) {
      process.stderr.write(
        `skein: could not fetch or compile better-sqlite3 for Electron ${electronVersion}; the app cannot open its database.\n${HOW_ELSE}\n`,
      );
      return 1;
    }
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(addon, target);
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function main(): number {
  const status = ensureBinary();
  if (status !== 0) return status;
  const binary = electronBinaryPath();
  return binary === null ? 1 : ensureSqliteAddon(binary);
}

process.exit(main());
