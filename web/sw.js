// Offline service worker. The build (tools/site-manifest.mjs) replaces the two placeholders with
// the build id and the list of files in build/site. Cache-first from this build's own cache;
// only runcheck's caches of older builds are deleted; nothing outside this app is intercepted.
const BUILD = '__RUNCHECK_BUILD__';
const FILES = /* __RUNCHECK_FILES__ */ [];
const CACHE = `runcheck-${BUILD}`;
const SCOPE = new URL(self.registration.scope);

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(['./', ...FILES].map((f) => new URL(f, SCOPE).href))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('runcheck-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// The page asks for the waiting version after the user agreed to reload.
self.addEventListener('message', (event) => { if (event.data === 'runcheck:skip-waiting') self.skipWaiting(); });

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) return;
  event.respondWith(caches.open(CACHE).then((c) => c.match(event.request, { ignoreSearch: true })
    .then((hit) => hit || fetch(event.request))));
});
