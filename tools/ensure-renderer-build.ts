/**
 * `npm run serve` runs this as `ensure-renderer-build.ts <entry> [args…]`: it builds the admin GUI
 * (renderer/dist) with vite's JS API only when it is missing or older than a renderer source, then
 * runs <entry> (the server) in this same process with the remaining args — so a fresh checkout
 * serves the GUI, a second start costs one directory walk, and `--help` never builds.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
const rendererDir = path.join(root, 'renderer');
const builtIndex = path.join(rendererDir, 'dist', 'index.html');

/** Newest modification time among the renderer's sources and build config. */
function newestSourceMs(): number {
  let newest = 0;
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  visit(path.join(rendererDir, 'src'));
  for (const file of ['index.html', 'vite.config.ts']) {
    newest = Math.max(newest, statSync(path.join(rendererDir, file)).mtimeMs);
  }
  return newest;
}

export function rendererBuildIsStale(): boolean {
  if (!existsSync(builtIndex)) return true;
  return statSync(builtIndex).mtimeMs < newestSourceMs();
}

export async function ensureRendererBuild(): Promise<void> {
  if (!rendererBuildIsStale()) return;
  process.stderr.write('skein: building the admin GUI (renderer/dist)…\n');
  const { build } = await import('vite');
  await build({ configFile: path.join(rendererDir, 'vite.config.ts'), logLevel: 'warn' });
}

async function main(): Promise<void> {
  const [entry, ...args] = process.argv.slice(2);
  if (!args.includes('--help') && !args.includes('-h')) {
    try {
      await ensureRendererBuild();
    } catch (error) {
      // The server still runs without the GUI; /_skein/admin/ then says how to build it.
      process.stderr.write(
        `skein: could not build the admin GUI: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
  }
  if (entry === undefined) return;
  const script = path.resolve(root, entry);
  // The entry reads its own arguments from process.argv, as if it had been started directly.
  process.argv = [process.argv[0] as string, script, ...args];
  await import(pathToFileURL(script).href);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
