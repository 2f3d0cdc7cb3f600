import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Paths are resolved from this file so the build works from any working directory
// (the e2e test calls vite's build() with this config).
const webRoot = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/web', import.meta.url));

export default defineConfig({
  root: webRoot,
  base: '/',
  logLevel: 'warn',
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // One small bundle: no external fonts, no CDNs (the product runs offline).
    assetsInlineLimit: 0,
  },
  server: {
    // `npx vite --config web/vite.config.ts` for UI work against a running `tailor serve`.
    proxy: { '/api': 'http://127.0.0.1:8080', '/v1': 'http://127.0.0.1:8080', '/health': 'http://127.0.0.1:8080' },
  },
});
