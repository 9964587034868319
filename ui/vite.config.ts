import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The same build serves the desktop shell (embedded through Tauri's custom
// protocol) and `redline serve`; relative asset paths work for both.
// `npm run dev` proxies the API to a running `redline serve`
// (REDLINE_API=http://127.0.0.1:PORT; open the dev page with ?token=…).
const api = process.env.REDLINE_API ?? 'http://127.0.0.1:8765';

export default defineConfig({
  base: './',
  plugins: [svelte()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: { host: '127.0.0.1', proxy: { '/api': { target: api, changeOrigin: true } } },
  preview: { host: '127.0.0.1', proxy: { '/api': { target: api, changeOrigin: true } } },
  test: { include: ['src/**/*.test.ts'] },
});
