/**
 * Builds the admin GUI (renderer/dist) with vite, for browser tests and the browser benchmark,
 * so the server serves the code in this checkout rather than whatever was built last.
 */
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from './server-process';

export function buildAdminUi(): void {
  const result = spawnSync(
    process.execPath,
    [
      'node_modules/vite/bin/vite.js',
      'build',
      '--config',
      'renderer/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    { cwd: REPO_ROOT, stdio: 'inherit' },
  );
  if (result.status !== 0) throw new Error(`building the admin GUI failed (exit ${result.status})`);
}
