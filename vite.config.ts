import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The web app (dashboard + volunteer page) lives in apps/web; the orchestrator serves apps/web/dist.
export default defineConfig({
  root: 'apps/web',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  worker: { format: 'es' },
  server: {
    proxy: {
      '/v1': { target: 'http://localhost:8080', ws: true },
      '/healthz': 'http://localhost:8080',
    },
  },
});
