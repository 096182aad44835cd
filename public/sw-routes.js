// Imported by the service worker (vite.config.ts, workbox.importScripts).
//
// The app's own code files (/assets/*, named by their content's hash) are served by the browser
// straight from the precache, without running this worker's script for each request: on a cold
// open every file the first page imports would otherwise wait its turn on the worker's thread
// (its start, workbox's routing, a cache lookup), and that thread is slowest exactly when the
// device is busy. Navigations and everything else still go through the worker as before.
//
// Browsers without static routes (event.addRoutes) keep the worker's fetch handler for all.
self.addEventListener('install', (event) => {
  if (typeof event.addRoutes !== 'function' || typeof URLPattern !== 'function') return;
  event.waitUntil(
    event
      .addRoutes([
        {
          condition: { urlPattern: new URLPattern({ pathname: '/assets/*' }) },
          // workbox's precache: `workbox-precache-v2-` and the registration's scope.
          source: { cacheName: `workbox-precache-v2-${self.registration.scope}` },
        },
      ])
      .catch(() => undefined),
  );
});
