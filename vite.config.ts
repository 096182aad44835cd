import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * On a room link's page (/r/...), the lazy chunk of `entry` and the chunks it imports are
 * asked for by a small script at the top of the page, while the first page's own code loads,
 * rather than once that code has run and imported them. Other pages do not fetch them.
 */
function roomPagePreload(entry: string): Plugin {
  return {
    name: 'meshchat-room-page-preload',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, { bundle }) {
        if (!bundle) return html;
        const chunks = Object.values(bundle).filter((c) => c.type === 'chunk');
        const root = chunks.find((c) => c.facadeModuleId?.endsWith(entry));
        if (!root) throw new Error(`room page preload: no chunk for ${entry}`);
        const first = new Set<string>();
        const addFirst = (file: string): void => {
          const chunk = chunks.find((c) => c.fileName === file);
          if (!chunk || first.has(file)) return;
          first.add(file);
          chunk.imports.forEach(addFirst);
        };
        chunks.filter((c) => c.isEntry).forEach((c) => addFirst(c.fileName));
        const files: string[] = [];
        const add = (file: string): void => {
          const chunk = chunks.find((c) => c.fileName === file);
          if (!chunk || first.has(file) || files.includes(file)) return;
          files.push(file);
          chunk.imports.forEach(add);
        };
        add(root.fileName);
        const script = `if (location.pathname.startsWith('/r/')) for (const file of ${JSON.stringify(files)}) document.head.append(Object.assign(document.createElement('link'), { rel: 'modulepreload', href: '/' + file }));`;
        return html.replace('</head>', `  <script>${script}</script>\n  </head>`);
      },
    },
  };
}

/**
 * The modules the first page runs (every module src/main.ts imports, statically, however
 * deep), collected once the module graph is known: they make one chunk, fetched in one
 * request through the service worker rather than one per module shared with a lazy chunk.
 */
const firstPageModules = new Set<string>();
function firstPageGraph(entry: string): Plugin {
  return {
    name: 'meshchat-first-page-graph',
    apply: 'build',
    buildEnd() {
      firstPageModules.clear();
      const root = [...this.getModuleIds()].find((id) => id.endsWith(entry));
      const walk = (id: string): void => {
        if (firstPageModules.has(id)) return;
        firstPageModules.add(id);
        this.getModuleInfo(id)?.importedIds.forEach(walk);
      };
      if (root) walk(root);
    },
  };
}

// The built app lands in dist/, which the signaling server (src/server) serves on the same port.
export default defineConfig({
  build: {
    outDir: 'dist',
    target: 'es2022',
    sourcemap: true,
    // dist/.vite/manifest.json: which chunk imports which, lazily or not (read by the bundle
    // benchmark). Not precached: the service worker's globPatterns take no .json.
    manifest: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: 'index', test: (id: string) => firstPageModules.has(id) }],
        },
      },
    },
  },
  server: {
    // `npm run dev` talks to a signaling server started separately on 8080.
    proxy: {
      '/signal': { target: 'ws://localhost:8080', ws: true },
      '/config.json': 'http://localhost:8080',
    },
  },
  plugins: [
    firstPageGraph('src/main.ts'),
    // A room link's page fetches the room's view with the first page, not after it has run.
    roomPagePreload('src/ui/RoomView.ts'),
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
        // The app's hashed files straight from the precache, without the worker's script.
        importScripts: ['/sw-routes.js'],
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
