import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The agent console. `npm run build:ui` writes agent-ui/dist, which the API
 * server serves; public/ (the citizens' /message.html) is copied as is.
 * `npx vite agent-ui` serves it in development against a server on :3000.
 *
 * Chunks: every page is loaded on first visit (React.lazy in App.tsx), so the
 * login screen loads none of them. React, the Socket.IO client and ECharts
 * are long-lived vendor chunks of their own (ECharts only ever with the
 * manager's charts). Ant Design's chunk holds what the first screen needs;
 * heavy components (Table, DatePicker) come with the pages that use them.
 */
const vendor = (name: string, packages: string[], priority: number) => ({
  name,
  test: new RegExp(`[\\\\/]node_modules[\\\\/](${packages.map((p) => p.replace(/[.]/g, '\\.')).join('|')})[\\\\/]`),
  priority,
});

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  publicDir: 'public',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            vendor('react', ['react', 'react-dom', 'scheduler'], 30),
            vendor('echarts', ['echarts', 'zrender', 'echarts-for-react', 'size-sensor'], 30),
            vendor('socket', ['socket.io-client', 'engine.io-client', 'socket.io-parser', 'engine.io-parser', '@socket.io/component-emitter', 'debug', 'ms'], 20),
            // Ant Design's part of the first screen; components only pages use stay with those pages.
            { ...vendor('antd', ['antd', '@ant-design', '@rc-component', 'rc-[\\w-]+', 'stylis', '@emotion', '@babel/runtime', 'react-is', 'compute-scroll-into-view', 'dayjs'], 10), tags: ['$initial' as const] },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/socket.io': { target: 'ws://127.0.0.1:3000', ws: true },
    },
  },
});
