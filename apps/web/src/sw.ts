/// <reference lib="webworker" />
/**
 * The service worker (Serwist): the app shell is precached at install (every built script and
 * stylesheet, and the offline page); each page, deck and module the learner opens is kept as it
 * is read, so it opens again without a network. A lesson already kept is served from the cache at
 * once and refreshed behind (a repeat visit on 2G paints in well under a second); other pages try
 * the network first and fall back to their kept copy, or to the offline page.
 */
import { CacheFirst, ExpirationPlugin, NetworkFirst, type PrecacheEntry, Serwist, StaleWhileRevalidate } from "serwist";

declare const self: ServiceWorkerGlobalScope & { __SW_MANIFEST: (PrecacheEntry | string)[] };

const PAGES = "sira-pages";
const API = "sira-api";
const MEDIA = "sira-media";
// Next's pages vary on its router headers and the API's on language and encoding; one copy per URL is enough.
const matchOptions = { ignoreVary: true };

const LESSON_PAGE = /^\/modules\/[^/]+\/lessons\/[^/]+\/?$/;
const NO_CACHE_API = /^\/api\/v1\/(auth\/|users\/me\/export|.*\/stream\/?$|tutor\/messages)/;
const MEDIA_BYTES = /^\/api\/v1\/(images\/[^/]+|media\/[^/]+\/file)\/?$/;

/**
 * A page rendered while its content was still being written (a lesson streaming), or showing a
 * problem or the signed-out notice instead of its content, marks itself `data-transient`: only the
 * finished page is kept, never over it.
 */
async function keepable(response: Response): Promise<boolean> {
  if (!response.ok || !(response.headers.get("content-type") ?? "").includes("text/html")) return false;
  return !(await response.clone().text()).includes('data-transient="1"');
}
const finishedPagesOnly = {
  cacheWillUpdate: async ({ response }: { response: Response }) => ((await keepable(response)) ? response : null),
};

const isPage = (request: Request, url: URL) =>
  request.mode === "navigate" && url.origin === self.location.origin && !url.pathname.startsWith("/api/");

const serwist = new Serwist({
  precacheEntries: self.__SW_MANIFEST,
  precacheOptions: { cleanupOutdatedCaches: true, concurrency: 2 },
  skipWaiting: true,
  clientsClaim: true,
  navigationPreload: false,
  disableDevLogs: true,
  runtimeCaching: [
    {
      matcher: ({ request, url }) => isPage(request, url) && LESSON_PAGE.test(url.pathname),
      handler: new StaleWhileRevalidate({
        cacheName: PAGES,
        matchOptions,
        plugins: [finishedPagesOnly, new ExpirationPlugin({ maxEntries: 200, maxAgeSeconds: 90 * 24 * 3600 })],
      }),
    },
    {
      matcher: ({ request, url }) => isPage(request, url),
      handler: new NetworkFirst({
        cacheName: PAGES,
        matchOptions,
        networkTimeoutSeconds: 6,
        plugins: [finishedPagesOnly, new ExpirationPlugin({ maxEntries: 200, maxAgeSeconds: 90 * 24 * 3600 })],
      }),
    },
    {
      matcher: ({ url }) => url.origin === self.location.origin && MEDIA_BYTES.test(url.pathname),
      handler: new CacheFirst({
        cacheName: MEDIA,
        matchOptions,
        plugins: [new ExpirationPlugin({ maxEntries: 150, maxAgeSeconds: 60 * 24 * 3600 })],
      }),
    },
    {
      matcher: ({ url }) =>
        url.origin === self.location.origin && url.pathname.startsWith("/api/v1/") && !NO_CACHE_API.test(url.pathname),
      handler: new NetworkFirst({
        cacheName: API,
        matchOptions,
        networkTimeoutSeconds: 6,
        plugins: [new ExpirationPlugin({ maxEntries: 300, maxAgeSeconds: 30 * 24 * 3600 })],
      }),
    },
  ],
  fallbacks: { entries: [{ url: "/offline", matcher: ({ request }) => request.destination === "document" }] },
});

/** Keeps pages fetched before this worker controlled them (the first visit's page), as a navigation would. */
async function keepPages(urls: string[]): Promise<void> {
  const cache = await caches.open(PAGES);
  await Promise.all(
    urls
      .filter((url) => new URL(url, self.location.origin).origin === self.location.origin)
      .map(async (url) => {
        const response = await fetch(url, { credentials: "same-origin" }).catch(() => null);
        if (response && (await keepable(response))) await cache.put(url, response);
      }),
  );
}

self.addEventListener("message", (event) => {
  const data = event.data as { type?: string; urls?: string[] } | null;
  if (data?.type !== "KEEP_PAGES" || !Array.isArray(data.urls)) return;
  const done = keepPages(data.urls.slice(0, 20));
  event.waitUntil(done);
  void done.then(() => event.ports[0]?.postMessage(true));
});

serwist.addEventListeners();
