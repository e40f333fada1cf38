import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// The static site goes to dist-viz/; `zksim viz` serves it, `npm run build:viz` makes it.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  build: { outDir: fileURLToPath(new URL('../dist-viz', import.meta.url)), emptyOutDir: true, target: 'es2022' },
});
