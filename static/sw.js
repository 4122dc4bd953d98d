// Concurrency Kitchen's offline cache, for classrooms with poor Wi-Fi.
//
// - Install precaches the whole release (the list below, filled in by scripts/release.mjs at
//   build time), so the app works offline after one visit; hashed files come from the HTTP
//   cache when the page has just downloaded them. A file that fails to download or
//   comes back with the wrong content type fails the install: nothing half-right is kept.
// - The cache is named after the release; activation deletes every older release's cache.
// - Pages: network first (a new release shows at once), but after 3 seconds without an answer,
//   on a network error, or when the answer is not this app's page (a captive portal's login
//   page, say), the cached page is served instead. Pages are never cached at run time.
// - The app's files (hashed names, so they never change): cache first, then the network with the
//   same timeout. Nothing is cached at run time; only the precache list is ever stored.
// Only this site's own GET requests inside the worker's scope are touched.
const RELEASE = "dev";
const PRECACHE = [];

const PREFIX = "concurrency-kitchen-";
const CACHE = PREFIX + RELEASE;
const TIMEOUT_MS = 3000;
const SCOPE = new URL("./", self.location.href).href;
const PAGE = new URL("index.html", SCOPE).href;
// What each kind of file must be served as; anything else is not the app's file.
const TYPES = {
  html: "text/html",
  js: "javascript",
  wasm: "application/wasm",
  css: "text/css",
  svg: "image/svg+xml",
  json: "json",
  png: "image/png",
};

function expectedType(url) {
  const ext = new URL(url).pathname.split(".").pop();
  return TYPES[ext] || null;
}

function looksRight(url, response) {
  const want = expectedType(url);
  const type = response.headers.get("content-type") || "";
  return response.ok && response.type === "basic" && want !== null && type.includes(want);
}

/** `promise`, or a rejection once `deadline` (a Date.now() value) has passed. */
function withTimeout(promise, deadline = Date.now() + TIMEOUT_MS) {
  const left = Math.max(0, deadline - Date.now());
  return Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error("network timeout")), left)),
  ]);
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      if (PRECACHE.length === 0) return; // A build without the release hook: no offline mode.
      const cache = await caches.open(CACHE);
      await Promise.all(
        PRECACHE.map(async (path) => {
          const url = new URL(path, SCOPE).href;
          // Every file but the page has a content hash in its name, so the copy the page has just
          // downloaded is the right one: taking it from the HTTP cache spares a first visit the
          // whole release a second time. The page itself is fetched anew, and so is any file whose
          // cached copy is not right.
          let response = await fetch(url, { cache: path === "index.html" ? "reload" : "force-cache" });
          if (!looksRight(url, response)) response = await fetch(url, { cache: "reload" });
          if (!looksRight(url, response)) throw new Error(`precache: ${path} is not the app's file`);
          await cache.put(url, response);
        }),
      );
      await self.skipWaiting();
    })().catch(async (error) => {
      // Leave no partial cache behind; the next visit tries again.
      await caches.delete(CACHE);
      throw error;
    }),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))))
      // The cache of the first, unversioned release.
      .then(() => caches.delete("concurrency-kitchen-v1"))
      .then(() => self.clients.claim()),
  );
});

async function cachedPage() {
  const hit = await caches.match(PAGE, { cacheName: CACHE });
  return hit || Response.error();
}

async function page(request) {
  // One deadline for the headers and the body together: a network that answers and then
  // stalls falls back to the stored page after 3 s, not 6.
  const deadline = Date.now() + TIMEOUT_MS;
  try {
    const response = await withTimeout(fetch(request), deadline);
    const type = response.headers.get("content-type") || "";
    if (response.ok && type.includes("text/html")) {
      const text = await withTimeout(response.clone().text(), deadline);
      if (text.includes('name="concurrency-kitchen-release"')) return response;
    }
    // Not this app's page: an error page, or a portal answering every address.
    const cached = await caches.match(PAGE, { cacheName: CACHE });
    return cached || response;
  } catch {
    return cachedPage();
  }
}

async function file(request) {
  const hit = await caches.match(request, { cacheName: CACHE, ignoreSearch: false });
  if (hit) return hit;
  try {
    return await withTimeout(fetch(request));
  } catch {
    return Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(SCOPE)) return;
  if (new URL(request.url).pathname.endsWith("/sw.js")) return;
  event.respondWith(request.mode === "navigate" ? page(request) : file(request));
});
