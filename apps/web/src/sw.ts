/// <reference lib="webworker" />
/**
 * The service worker (Serwist): the app shell is precached at install (every built script and
 * stylesheet, and the offline page); each page, deck and module the learner opens is kept as it
 * is read, so it opens again without a network. A lesson already kept is served from the cache at
 * once and refreshed behind (a repeat visit on 2G paints in well under a second); other pages try
 * the network first and fall back to their kept copy, or to the offline page.
 */
import { CacheFirst, ExpirationPlugin, NetworkFirst, type PrecacheEntry, Serwist, StaleWhileRevalidate } from "serwist";
import { SESSION_MARKER } from "./lib/session-marker";

declare const self: ServiceWorkerGlobalScope & { __SW_MANIFEST: (PrecacheEntry | string)[] };

const PAGES = "sira-pages";
const API = "sira-api";
const MEDIA = "sira-media";
// Next's pages vary on its router headers and the API's on language and encoding; one copy per URL is enough.
const matchOptions = { ignoreVary: true };

const LESSON_PAGE = /^\/modules\/[^/]+\/lessons\/[^/]+\/?$/;
const NO_CACHE_API = /^\/api\/v1\/(auth\/|users\/me\/export|.*\/stream\/?$|tutor\/messages)/;
const MEDIA_BYTES = /^\/api\/v1\/(images\/[^/]+|media\/[^/]+\/file)\/?$/;

const OWNER_CACHE = "sira-owner";
const OWNER_KEY = "/owner";

/**
 * Whose session this browser holds: the marker cookie's learner, "" when there is none (signed
 * out, or the session lapsed or was refused: the cookie went with the refresh cookie), undefined
 * when this browser gives workers no cookies (no Cookie Store API).
 */
async function sessionHolder(): Promise<string | undefined> {
  if (!("cookieStore" in self)) return undefined;
  try {
    return (await self.cookieStore.get(SESSION_MARKER))?.value ?? "";
  } catch {
    return undefined;
  }
}

/**
 * Kept pages and API answers are shown only to the session they were kept for ("" for a signed-out
 * visitor's). When the browser now holds another (or none), every copy is dropped first, online or
 * offline. Without cookies, the pages' own record decides: copies are shown while a learner's page
 * claimed them (lib/session.ts), never after a sign-out or a refused refresh dropped them.
 */
async function keptCopiesUsable(): Promise<boolean> {
  const recorded = await (await (await caches.open(OWNER_CACHE)).match(OWNER_KEY))?.text();
  const holder = await sessionHolder();
  if (holder === undefined) return recorded !== undefined && recorded !== "";
  if (recorded === holder) return true;
  for (const name of await caches.keys()) if (name.startsWith("sira-")) await caches.delete(name);
  await (await caches.open(OWNER_CACHE)).put(OWNER_KEY, new Response(holder));
  return false;
}
type HolderState = { holder?: string | undefined } | undefined;
/**
 * Keeps only answers fetched for the session still held: one on its way while the learner signed
 * out or the session lapsed would otherwise land in the caches after the drop, under the next owner.
 */
const ownSessionOnly = {
  cachedResponseWillBeUsed: async ({ cachedResponse }: { cachedResponse?: Response }) =>
    cachedResponse && (await keptCopiesUsable()) ? cachedResponse : null,
  requestWillFetch: async ({ request, state }: { request: Request; state?: HolderState }) => {
    if (state) state.holder = await sessionHolder();
    return request;
  },
  // Only whole answers are kept, as by default, and only under the session they were fetched for.
  cacheWillUpdate: async ({ response, state }: { response: Response; state?: HolderState }) => {
    if ((await sessionHolder()) !== state?.holder) return null;
    await keptCopiesUsable();
    return response.status === 200 ? response : null;
  },
  // The session changed while the copy was being written: it goes.
  cacheDidUpdate: async ({
    cacheName,
    request,
    state,
  }: {
    cacheName: string;
    request: Request;
    state?: HolderState;
  }) => {
    if ((await sessionHolder()) !== state?.holder) await (await caches.open(cacheName)).delete(request, matchOptions);
  },
};

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
        plugins: [
          ownSessionOnly,
          finishedPagesOnly,
          new ExpirationPlugin({ maxEntries: 200, maxAgeSeconds: 90 * 24 * 3600 }),
        ],
      }),
    },
    {
      matcher: ({ request, url }) => isPage(request, url),
      handler: new NetworkFirst({
        cacheName: PAGES,
        matchOptions,
        networkTimeoutSeconds: 6,
        plugins: [
          ownSessionOnly,
          finishedPagesOnly,
          new ExpirationPlugin({ maxEntries: 200, maxAgeSeconds: 90 * 24 * 3600 }),
        ],
      }),
    },
    {
      matcher: ({ url }) => url.origin === self.location.origin && MEDIA_BYTES.test(url.pathname),
      handler: new CacheFirst({
        cacheName: MEDIA,
        matchOptions,
        plugins: [ownSessionOnly, new ExpirationPlugin({ maxEntries: 150, maxAgeSeconds: 60 * 24 * 3600 })],
      }),
    },
    {
      matcher: ({ url }) =>
        url.origin === self.location.origin && url.pathname.startsWith("/api/v1/") && !NO_CACHE_API.test(url.pathname),
      handler: new NetworkFirst({
        cacheName: API,
        matchOptions,
        networkTimeoutSeconds: 6,
        plugins: [ownSessionOnly, new ExpirationPlugin({ maxEntries: 300, maxAgeSeconds: 30 * 24 * 3600 })],
      }),
    },
  ],
  fallbacks: { entries: [{ url: "/offline", matcher: ({ request }) => request.destination === "document" }] },
});

/** Keeps pages fetched before this worker controlled them (the first visit's page), as a navigation would. */
async function keepPages(urls: string[]): Promise<void> {
  const holder = await sessionHolder();
  await Promise.all(
    urls
      .filter((url) => new URL(url, self.location.origin).origin === self.location.origin)
      .map(async (url) => {
        const response = await fetch(url, { credentials: "same-origin" }).catch(() => null);
        if (!response || !(await keepable(response)) || (await sessionHolder()) !== holder) return;
        await keptCopiesUsable();
        await (await caches.open(PAGES)).put(url, response);
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
