/**
 * Where the Electron binary is, if it is here. The `electron` package (45+) downloads its binary
 * on first use rather than at install, and `require('electron')` itself tries that download — so
 * this looks at the package's files instead of requiring it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** node_modules/electron, or null when the package is not installed at all. */
export function electronPackageDir(): string | null {
  try {
    return path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/** The Electron executable, or null when the binary has not been downloaded (yet). */
export function electronBinaryPath(): string | null {
  const dir = electronPackageDir();
  if (dir === null) return null;
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH'];
  let relative: string;
  try {
    relative = readFileSync(path.join(dir, 'path.txt'), 'utf8').trim();
  } catch {
    return null;
  }
  const binary = override ? path.join(override, relative) : path.join(dir, 'dist', relative);
  return existsSync(binary) ? binary : null;
}
