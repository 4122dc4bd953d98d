// Concurrency Kitchen's offline cache, for classrooms with poor Wi-Fi. Network first (so a
// new release shows at once), falling back to the copy kept from the last visit. Only this
// site's own GET requests are touched; its scope is the folder it is served from.
const CACHE = "concurrency-kitchen-v1";

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          // A lesson link differs from the page only in its query: keep one copy of the page.
          const key = request.mode === "navigate" ? new URL("./", self.location.href).href : request;
          caches.open(CACHE).then((cache) => cache.put(key, copy));
        }
        return response;
      })
      .catch(() =>
        caches
          .match(request.mode === "navigate" ? new URL("./", self.location.href).href : request)
          .then((hit) => hit || Response.error()),
      ),
  );
});
