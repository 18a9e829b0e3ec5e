// Rega's service worker: after one visit the app opens with no network. `cargo xtask build`
// writes the release's file list and version into the copy in dist/; this template is not
// served as it is.
//
// - The citizen app's files (the HTML pages, each wing's content-hashed JS and WASM, CSS, fonts,
//   locale files) are cached at install, in a cache named after the release; a new release installs beside it,
//   takes over when no page of the old one is open, and deletes the old cache, so a page never
//   mixes the files of two releases.
// - Pages come from the network first (so a new release is picked up on the next visit online)
//   and from the cache without a network.
// - The API is never cached here: its answers are a citizen's own data.
const VERSION = '__REGA_VERSION__';
const FILES = __REGA_FILES__;
// The directorate screens', the kiosk's and the verifier's code: each cached when its page asks
// (app/src/start.rs, keep_for_offline), so a kiosk or an officer's phone works offline after one
// visit, citizens never download any of them, and each device only its own.
const DIRECTORATE_FILES = __REGA_DIRECTORATE_FILES__;
const VERIFIER_FILES = __REGA_VERIFIER_FILES__;
const KIOSK_FILES = __REGA_KIOSK_FILES__;
const CACHE = `rega-${VERSION}`;
// The HTML of the app that shows a page (as rega_api::paths::app_html): a citizen wing's or
// another app's, written by the build from that function; one appointment's pages are
// appointments.html's; anything else is index.html's.
const APP_PAGES = __REGA_APP_PAGES__;
const pageFor = (path) => APP_PAGES[path] ?? (path.startsWith('/appointments/') ? '/appointments.html' : '/index.html');
// What a page asks to keep (app/src/start.rs, keep_for_offline).
const KEEP = { 'cache-directorate': DIRECTORATE_FILES, 'cache-verifier': VERIFIER_FILES, 'cache-kiosk': KIOSK_FILES };

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)));
});

self.addEventListener('message', (event) => {
  const files = KEEP[event.data];
  if (files) {
    event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(files)));
  }
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys().then((names) =>
      Promise.all(names.filter((name) => name.startsWith('rega-') && name !== CACHE).map((name) => caches.delete(name))),
    ),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname === '/sw.js') return;
  if (request.mode === 'navigate') {
    const path = url.pathname.replace(/\/$/, '');
    const page = pageFor(path);
    event.respondWith(
      fetch(request).catch(() =>
        caches.open(CACHE).then((cache) => cache.match(page)).then((hit) => hit || Response.error()),
      ),
    );
    return;
  }
  // Anything else of this release not cached yet is kept once fetched.
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      cache.match(request, { ignoreSearch: url.pathname.startsWith('/locales/') }).then(
        (hit) =>
          hit ||
          fetch(request).then((response) => {
            if (response.ok) cache.put(request, response.clone());
            return response;
          }),
      ),
    ),
  );
});
