import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The agent console. `npm run build:ui` writes agent-ui/dist, which the API
 * server serves; public/ (the citizens' /message.html) is copied as is.
 * `npx vite agent-ui` serves it in development against a server on :3000.
 */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  publicDir: 'public',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 3000 },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/socket.io': { target: 'ws://127.0.0.1:3000', ws: true },
    },
  },
});
