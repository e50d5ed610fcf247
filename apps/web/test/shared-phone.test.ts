/**
 * What a shared phone, a failing API and a wrong clock must not cost a learner, in a real browser
 * against the real stack: queued reviews are replayed only under their owner's session; a kept
 * lesson is not replaced by an error page while the API is down; signing out that cannot reach the
 * server says so and leaves the learner signed in; a phone clock ten minutes fast loses nothing.
 */
import { connect, createServer, type Server, type Socket } from "node:net";
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack } from "../../../test/e2e/processes.ts";
import { closeTestDeps, signIn, testDeps } from "../../api/test/helpers.ts";
import { type Course, epidemiologyDocument, indexDocument, makeCourse } from "./course.ts";
import {
  codeAt,
  ensureWebBuilt,
  type Learner,
  launchBrowser,
  openPhone,
  PHONE,
  serviceWorkerControls,
  signUpLearner,
  startWeb,
  type WebApp,
} from "./harness.ts";

const db = createDb({ url: process.env.DATABASE_URL as string });
let stack: Stack;
let web: WebApp;
let browser: Browser;
let course: Course;
const RATINGS = [3, 1, 4, 2, 3];
const REVIEW = "**/api/v1/flashcards/*/review";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The app reaches the API through this relay, which can drop every connection (the API is down). */
const relay = { server: null as Server | null, down: false, refused: 0, sockets: new Set<Socket>() };

function startRelay(apiPort: number): Promise<number> {
  const server = createServer((client) => {
    if (relay.down) {
      relay.refused++;
      client.destroy();
      return;
    }
    const upstream = connect(apiPort, "127.0.0.1");
    relay.sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      relay.sockets.delete(client);
      relay.sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      socket.on("error", close);
      socket.on("close", close);
    }
  });
  relay.server = server;
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
  );
}

function apiDown(): void {
  relay.down = true;
  for (const socket of relay.sockets) socket.destroy();
}

async function enroll(learner: Learner): Promise<void> {
  const res = await fetch(`${stack.base}/api/v1/courses/${course.id}/enroll`, {
    method: "POST",
    headers: { authorization: `Bearer ${learner.accessToken}` },
  });
  expect(res.status).toBe(200);
}

function moduleOne() {
  const module1 = course.modules[0];
  if (!module1) throw new Error("no module");
  return module1;
}

/** Rates the session's first cards with RATINGS, in order. */
async function review(page: Page): Promise<void> {
  for (const rating of RATINGS) {
    const card = await page.getAttribute("[data-testid=card]", "data-card");
    await page.click("[data-testid=reveal]");
    await page.click(`[data-rating="${rating}"]`);
    await page.waitForFunction(
      (previous) => document.querySelector("[data-testid=card]")?.getAttribute("data-card") !== previous,
      card,
    );
  }
}

/** What the phone's offline queue holds, whoever it belongs to. */
function queued(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open("sira", 1);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction("outbox").objectStore("outbox").count();
          request.onsuccess = () => {
            resolve(request.result);
            open.result.close();
          };
          request.onerror = () => reject(request.error);
        };
      }),
  );
}

const reviewsOf = (userId: string) =>
  db.flashcardReviewLog.findMany({ where: { userId }, orderBy: { reviewedAt: "asc" } });

async function reviewsRecorded(userId: string, count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await reviewsOf(userId)).length < count && Date.now() < deadline) await sleep(250);
}

async function signOutFromProfile(page: Page): Promise<void> {
  await page.goto("/profile");
  await page.click("[data-testid=sign-out]");
  await page.waitForURL((url) => url.pathname === "/");
  await page.waitForSelector('nav a[href="/sign-in"]');
}

/**
 * A phone whose requests the test can fail (Playwright cannot route what a service worker handles,
 * so none registers here; the queue and sign-out do not depend on it).
 */
async function openRoutable(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: PHONE,
    locale: "fr-FR",
    baseURL: web.origin,
    serviceWorkers: "block",
  });
  return { context, page: await context.newPage() };
}

const refreshCookie = async (context: BrowserContext) =>
  (await context.cookies()).find((c) => c.name === "sira_rt")?.value;

beforeAll(async () => {
  await truncateAll(process.env.DATABASE_URL as string);
  await ensureWebBuilt();
  stack = await startStack({ RATE_LIMIT_PER_MINUTE: "10000" });
  course = await makeCourse(db, "epidemiologie");
  await indexDocument(stack.base, await signIn(testDeps(), { role: "admin" }), course.id, epidemiologyDocument());
  const relayPort = await startRelay(Number(new URL(stack.base).port));
  web = await startWeb(`http://127.0.0.1:${relayPort}`);
  browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  for (const socket of relay.sockets) socket.destroy();
  await new Promise((resolve) => (relay.server ? relay.server.close(resolve) : resolve(null)));
  await stack?.stop();
  await db.$disconnect();
  await closeTestDeps();
});

describe("a shared phone", () => {
  it("replays queued reviews only for the learner who made them", async () => {
    const { context, page } = await openRoutable();
    const a = await signUpLearner(db, context, web.origin, stack.base);
    await enroll(a);
    await page.goto(`/modules/${moduleOne().id}/flashcards`);
    await page.waitForSelector("[data-testid=card]", { timeout: 120_000 });
    // The reviews cannot be sent (the API answers 503): they wait in the queue.
    await context.route(REVIEW, (route) =>
      route.fulfill({ status: 503, contentType: "application/problem+json", body: '{"status":503}' }),
    );
    await review(page);
    await page.waitForSelector("[data-testid=sync][data-pending='5']");
    await signOutFromProfile(page);
    expect(await reviewsOf(a.userId)).toEqual([]);
    await context.unroute(REVIEW);

    // B signs in on the same phone: A's reviews are neither sent under B's session nor counted for B.
    const b = await signUpLearner(db, context, web.origin, stack.base);
    await enroll(b);
    await page.goto(`/modules/${moduleOne().id}/flashcards`);
    await page.waitForSelector("[data-testid=card]");
    await page.click("[data-testid=sync]");
    await sleep(3000);
    expect(await page.getAttribute("[data-testid=sync]", "data-pending")).toBe("0");
    expect(await reviewsOf(b.userId)).toEqual([]);
    expect(await reviewsOf(a.userId)).toEqual([]);
    expect(await queued(page)).toBe(5);

    // A signs back in: A's reviews are recorded, once, in order.
    await page.goto("/sign-in");
    await page.fill("#email", a.email);
    await page.fill("#code", await codeAt(a.secret, 1));
    await page.click("form button[type=submit]");
    await page.waitForSelector("[data-testid=dashboard]");
    await reviewsRecorded(a.userId, 5);
    await page.waitForSelector("[data-testid=sync][data-pending='0']");
    await sleep(1000);
    expect((await reviewsOf(a.userId)).map((l) => l.rating)).toEqual(RATINGS);
    expect(await reviewsOf(b.userId)).toEqual([]);
    expect(await queued(page)).toBe(0);
    await context.close();
  }, 300_000);

  it("keeps a kept lesson when the API fails while it is refreshed", async () => {
    const { context, page } = await openPhone(browser, web.origin);
    await enroll(await signUpLearner(db, context, web.origin, stack.base));
    const lesson = `/modules/${moduleOne().id}/lessons/${moduleOne().units[0]?.id}`;
    await page.goto(lesson);
    await page.waitForSelector("[data-testid=lesson][data-state=done]", { timeout: 90_000 });
    await serviceWorkerControls(page);
    await page.goto(lesson);
    await page.waitForSelector("[data-testid=lesson][data-state=done]");

    // The API goes down: the worker shows the kept lesson and refreshes it behind, getting an error page.
    apiDown();
    try {
      await page.reload();
      const deadline = Date.now() + 20_000;
      while (relay.refused === 0 && Date.now() < deadline) await sleep(100);
      expect(relay.refused).toBeGreaterThan(0);
      await sleep(2000);
      await context.setOffline(true);
      await page.reload();
      expect(await page.textContent("[data-testid=lesson-text]")).toMatch(/incidence|épidémi/i);
    } finally {
      relay.down = false;
    }
    await context.close();
  }, 300_000);

  it("says when signing out failed and leaves the learner signed in; signs out once it can", async () => {
    const { context, page } = await openRoutable();
    await signUpLearner(db, context, web.origin, stack.base);
    await page.goto("/profile");
    await page.waitForSelector("[data-testid=sign-out]");
    const cookie = await refreshCookie(context);
    expect(cookie).toBeTruthy();

    // Offline, signing out cannot reach the server: the button says so instead.
    await context.setOffline(true);
    await page.waitForSelector("[data-testid=sign-out]:disabled");
    expect(await page.textContent("[data-testid=sign-out-offline]")).toMatch(/réseau/);
    await context.setOffline(false);
    await page.waitForSelector("[data-testid=sign-out]:enabled");

    // The request gets no answer: the page says sign-out failed, and the learner is still signed in.
    await context.route("**/api/auth/logout", (route) => route.abort("internetdisconnected"));
    await page.click("[data-testid=sign-out]");
    expect(await page.textContent("[data-testid=sign-out-failed]")).toMatch(/toujours connecté/);
    await context.unroute("**/api/auth/logout");
    expect(await refreshCookie(context)).toBe(cookie);
    await page.goto("/profile");
    await page.waitForSelector("[data-testid=sign-out]");
    expect(await page.$('nav a[href="/profile"]')).not.toBeNull();

    await signOutFromProfile(page);
    expect(await refreshCookie(context)).toBeUndefined();
    await page.goto("/profile");
    await page.waitForSelector("text=Connectez-vous pour voir cette page.");
    await context.close();
  }, 300_000);

  it("drops the pages kept for a learner whose session ended without a sign-out when another signs in", async () => {
    const { context, page } = await openPhone(browser, web.origin);
    await enroll(await signUpLearner(db, context, web.origin, stack.base));
    const learn = `/learn/${course.id}`;
    const kept = () =>
      page.evaluate(async (url) => (await caches.match(url, { ignoreVary: true })) !== undefined, learn);
    await page.goto(learn);
    await serviceWorkerControls(page);
    await page.goto(learn);
    await page.waitForSelector("[data-testid=modules]");
    for (let deadline = Date.now() + 15_000; !(await kept()) && Date.now() < deadline; ) await sleep(200);
    expect(await kept()).toBe(true);

    // A's session ends without a sign-out here (it lapsed, or was ended from another device); B signs in.
    await context.clearCookies();
    await signUpLearner(db, context, web.origin, stack.base);
    await page.goto("/");
    await page.waitForSelector("[data-testid=dashboard]");
    for (let deadline = Date.now() + 10_000; (await kept()) && Date.now() < deadline; ) await sleep(200);
    expect(await kept()).toBe(false);
    // Offline, B is shown the offline page, not the course page kept for A.
    await context.setOffline(true);
    await page.goto(learn);
    await page.waitForSelector("text=Cette page n'a pas encore été ouverte");
    expect(await page.$("[data-testid=modules]")).toBeNull();
    await context.close();
  }, 300_000);

  it("shows a signed-out visitor none of the pages kept for a learner whose session was ended or lapsed", async () => {
    const { context, page } = await openPhone(browser, web.origin);
    const learn = `/learn/${course.id}`;
    const lesson = `/modules/${moduleOne().id}/lessons/${moduleOne().units[0]?.id}`;
    const kept = (url: string) =>
      page.evaluate(async (u) => (await caches.match(u, { ignoreVary: true })) !== undefined, url);
    const keepBoth = async () => {
      await page.goto(learn);
      await serviceWorkerControls(page);
      await page.goto(learn);
      await page.waitForSelector("[data-testid=modules]");
      // Twice: a page rendered while its lesson was still being written is not kept.
      for (const _ of [1, 2]) {
        await page.goto(lesson);
        await page.waitForSelector("[data-testid=lesson][data-state=done]", { timeout: 90_000 });
      }
      for (
        let deadline = Date.now() + 15_000;
        !((await kept(learn)) && (await kept(lesson))) && Date.now() < deadline;
      )
        await sleep(200);
      expect([await kept(learn), await kept(lesson)]).toEqual([true, true]);
    };
    const offlinePageFor = async (url: string) => {
      await page.goto(url);
      await page.waitForSelector("text=Cette page n'a pas encore été ouverte");
      expect(await page.$("[data-testid=modules]")).toBeNull();
      expect(await page.$("[data-testid=lesson-text]")).toBeNull();
    };

    // A's session is ended at the API (from another device, or revoked); the access copy lapses.
    const a = await signUpLearner(db, context, web.origin, stack.base);
    await enroll(a);
    await keepBoth();
    const ended = await fetch(`${stack.base}/api/v1/auth/logout`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${a.accessToken}` },
      body: JSON.stringify({ refresh_token: await refreshCookie(context) }),
    });
    expect(ended.ok).toBe(true);
    await context.clearCookies({ name: "sira_at" });
    // The next page asked for learns the session was refused: what A kept goes, online already.
    await page.goto("/");
    await page.waitForSelector('nav a[href="/sign-in"]');
    for (let deadline = Date.now() + 10_000; (await kept(lesson)) && Date.now() < deadline; ) await sleep(200);
    expect([await kept(learn), await kept(lesson)]).toEqual([false, false]);
    await page.goto(lesson);
    await page.waitForSelector("text=Connectez-vous pour voir cette page.");
    expect(await page.$("[data-testid=lesson-text]")).toBeNull();
    await context.setOffline(true);
    await offlinePageFor(learn);
    await offlinePageFor(lesson);
    await context.setOffline(false);

    // B's session lapses (its cookies expire with the refresh token) while the phone is offline.
    await enroll(await signUpLearner(db, context, web.origin, stack.base));
    await keepBoth();
    await context.clearCookies();
    await context.setOffline(true);
    await offlinePageFor(lesson);
    await offlinePageFor(learn);
    expect([await kept(learn), await kept(lesson)]).toEqual([false, false]);
    await context.close();
  }, 300_000);

  it("serves its pages and its worker under a content security policy", async () => {
    const pageCsp = (await fetch(`${web.origin}/courses`)).headers.get("content-security-policy") ?? "";
    expect(pageCsp).toContain("frame-ancestors 'none'");
    expect(pageCsp).toContain("connect-src 'self';");
    // The worker's fetches may follow an image to the object store: its own, looser connect-src.
    const workerCsp = (await fetch(`${web.origin}/sw.js`)).headers.get("content-security-policy") ?? "";
    expect(workerCsp).toContain("connect-src 'self' https:");
  });

  it("records reviews queued on a phone whose clock is ten minutes fast", async () => {
    const { context, page } = await openPhone(browser, web.origin);
    const learner = await signUpLearner(db, context, web.origin, stack.base);
    await enroll(learner);
    await page.clock.install({ time: new Date(Date.now() + 10 * 60_000) });
    await page.goto(`/modules/${moduleOne().id}/flashcards`);
    await page.waitForSelector("[data-testid=card]", { timeout: 120_000 });
    await context.setOffline(true);
    await page.waitForSelector("[data-testid=sync][data-online=no]");
    await review(page);
    await page.waitForSelector("[data-testid=sync][data-pending='5']");

    await context.setOffline(false);
    await page.waitForSelector("[data-testid=sync][data-pending='0']", { timeout: 30_000 });
    expect((await reviewsOf(learner.userId)).map((l) => l.rating)).toEqual(RATINGS);
    expect(await page.getAttribute("[data-testid=sync]", "data-refused")).toBe("0");
    await context.close();
  }, 300_000);
});
