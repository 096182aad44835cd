import { defineConfig } from 'vite';

// The built app lands in dist/, which the signaling server (src/server) serves on the same port.
export default defineConfig({
  build: {
    outDir: 'dist',
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    // `npm run dev` talks to a signaling server started separately on 8080.
    proxy: { '/signal': { target: 'ws://localhost:8080', ws: true } },
  },
});
