import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * Builds the console into dist/console/, served by the API at `/`. Everything
 * is bundled (no CDN, no font): the page's Content-Security-Policy allows its
 * own origin only.
 */
export default defineConfig({
  root: here,
  base: '/',
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    // The polyfill would be an inline script, which script-src 'self' refuses.
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
});
