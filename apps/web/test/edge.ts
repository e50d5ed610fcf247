/**
 * A page load as a 2G phone sees it: Chrome DevTools Protocol network emulation at EDGE
 * (240 kbit/s down, 200 kbit/s up, 840 ms round trip), the largest contentful paint the browser
 * reports, and the compressed bytes received per kind of resource. Shared by the throttled browser
 * test (which asserts only the byte budgets) and `pnpm bench:web` (which prints the timings).
 */
import type { BrowserContext, CDPSession, Page } from "playwright-core";
import { serviceWorkerControls } from "./support.ts";

export const EDGE = { latency: 840, downloadThroughput: 240_000 / 8, uploadThroughput: 200_000 / 8 };
export const BUDGETS = {
  firstVisitLcpMs: 5_000,
  repeatVisitLcpMs: 1_500,
  catalogHtmlCssBytes: 30 * 1024,
  pageJsBytes: 150 * 1024,
};

/** Records the largest contentful paint in every document the context opens. */
export async function watchLcp(context: BrowserContext): Promise<void> {
  // Runs in the page: typed without the DOM library, which the workspace's bench programs do not load.
  await context.addInitScript(() => {
    const page = globalThis as unknown as {
      __lcp: number | null;
      __lcpElement: string;
      PerformanceObserver: new (
        callback: (list: {
          getEntries(): { startTime: number; element?: { tagName: string; textContent: string | null } | null }[];
        }) => void,
      ) => { observe(options: { type: string; buffered: boolean }): void };
    };
    page.__lcp = null;
    page.__lcpElement = "";
    new page.PerformanceObserver((list) => {
      const last = list.getEntries().at(-1);
      if (!last) return;
      page.__lcp = last.startTime;
      page.__lcpElement = `${last.element?.tagName ?? "?"} "${(last.element?.textContent ?? "").slice(0, 40)}"`;
    }).observe({ type: "largest-contentful-paint", buffered: true });
  });
}

export interface Visit {
  url: string;
  /** From the navigation's start, as the browser reports it. */
  lcpMs: number | null;
  /** The element it painted (tag and the start of its text). */
  lcpElement: string;
  /** Compressed bytes received (headers included), by resource type; served by the service worker counts 0. */
  bytes: Record<string, number>;
  fromServiceWorker: number;
  requests: number;
}

/** Emulates EDGE on the page's network (and not on the service worker's, which has a target of its own). */
export async function throttle(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, ...EDGE });
  return cdp;
}

/** Loads `url` in `page` (already throttled through `cdp`) and measures it. */
export async function visit(page: Page, cdp: CDPSession, url: string): Promise<Visit> {
  const types = new Map<string, string>();
  const bytes: Record<string, number> = {};
  let fromServiceWorker = 0;
  let requests = 0;
  const onResponse = (event: { requestId: string; type: string; response: { fromServiceWorker?: boolean } }) => {
    types.set(event.requestId, event.type);
    if (event.response.fromServiceWorker) fromServiceWorker += 1;
  };
  const onFinished = (event: { requestId: string; encodedDataLength: number }) => {
    const type = types.get(event.requestId) ?? "Other";
    bytes[type] = (bytes[type] ?? 0) + event.encodedDataLength;
    requests += 1;
  };
  cdp.on("Network.responseReceived", onResponse);
  cdp.on("Network.loadingFinished", onFinished);
  try {
    await page.goto(url, { waitUntil: "load", timeout: 120_000 });
    // LCP settles once the page has painted its main content; give late paints a moment.
    await page.waitForTimeout(1500);
    const { lcp, element } = await page.evaluate(() => {
      const seen = globalThis as unknown as { __lcp: number | null; __lcpElement: string };
      return { lcp: seen.__lcp, element: seen.__lcpElement };
    });
    return {
      url,
      lcpMs: lcp === null ? null : Math.round(lcp),
      lcpElement: element,
      bytes,
      fromServiceWorker,
      requests,
    };
  } finally {
    cdp.off("Network.responseReceived", onResponse);
    cdp.off("Network.loadingFinished", onFinished);
  }
}

/** Waits until the service worker controls the page and has kept `path` (its first visit's page). */
export async function keptByServiceWorker(page: Page, path: string): Promise<void> {
  await serviceWorkerControls(page);
  await page.waitForFunction(
    async (wanted) => {
      const { caches } = globalThis as unknown as {
        caches: {
          keys(): Promise<string[]>;
          open(name: string): Promise<{ match(url: string, options: object): Promise<unknown> }>;
        };
      };
      for (const name of await caches.keys()) {
        if (await (await caches.open(name)).match(wanted, { ignoreVary: true })) return true;
      }
      return false;
    },
    path,
    { timeout: 120_000, polling: 500 },
  );
}

export const kb = (n: number | undefined) => `${((n ?? 0) / 1024).toFixed(1)} KB`;
