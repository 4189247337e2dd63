import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      // keytar is an optional dependency (native, loaded on first use): it stays outside the bundle like the others.
      externalizeDeps: { include: ['keytar'] },
      rollupOptions: {
        // index: the Electron bootstrap; host: the same services for a browser, without Electron.
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          host: resolve(__dirname, 'src/main/host/cli.ts'),
          'backtest-worker': resolve(__dirname, 'src/main/research/backtest-worker.ts'),
          'research-worker': resolve(__dirname, 'src/main/research/research-worker.ts'),
          'file-worker': resolve(__dirname, 'src/main/sessions/file-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
    plugins: [react()],
  },
});
