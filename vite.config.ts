import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// The built app lands in dist/, which the signaling server (src/server) serves on the same port.
export default defineConfig({
  build: {
    outDir: 'dist',
    target: 'es2022',
    sourcemap: true,
    // dist/.vite/manifest.json: which chunk imports which, lazily or not (read by the bundle
    // benchmark). Not precached: the service worker's globPatterns take no .json.
    manifest: true,
  },
  server: {
    // `npm run dev` talks to a signaling server started separately on 8080.
    proxy: {
      '/signal': { target: 'ws://localhost:8080', ws: true },
      '/config.json': 'http://localhost:8080',
    },
  },
  plugins: [
    VitePWA({
      strategies: 'generateSW',
      // The user decides when to switch to a new version (no silent half-updates).
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['favicon.svg', 'apple-touch-icon.png'],
      manifest: {
        id: '/',
        name: 'MeshChat',
        short_name: 'MeshChat',
        description:
          'Peer-to-peer chat in your browser: no chat server, your history stays on your device and works offline.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: '#1f6f5c',
        background_color: '#ffffff',
        icons: [
          { src: '/pwa-192x192.png', sizes: '192x192', type: 'image/png' },
          { src: '/pwa-512x512.png', sizes: '512x512', type: 'image/png' },
          {
            src: '/maskable-512x512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
        ],
      },
      workbox: {
        // Every JS chunk, the lazy ones too (WebRTC stack, QR code), so a room works offline.
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        // Room links (/r/<id>) and any other app route open offline from the cached shell.
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/signal/, /^\/healthz/, /^\/metrics/, /^\/config\.json/],
        runtimeCaching: [
          {
            // The deployment's network config: fresh when online, the last copy offline.
            urlPattern: ({ url }) => url.pathname === '/config.json',
            handler: 'NetworkFirst',
            options: { cacheName: 'meshchat-config', networkTimeoutSeconds: 3 },
          },
        ],
      },
    }),
  ],
});
