/**
 * Builds the admin GUI into renderer/dist. The headless server serves it at /_skein/admin/, so
 * every asset URL is absolute under that base; Electron loads the same files.
 */
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/_skein/admin/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // The page runs under a CSP without inline scripts: never inline the module preload polyfill.
    modulePreload: { polyfill: false },
  },
});
