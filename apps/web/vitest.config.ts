import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The root vitest.config.ts only collects packages/* and apps/server; the web stores are tested here
// (`npm test -w @tabgrid/web`). They are DOM-free by design, so the node environment suffices.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
