/**
 * Offline first, in a real browser against the real stack. A learner opens a lesson, its module and
 * its deck while online; offline, they open again from the service worker. Two learners then
 * review the same five new cards with the same ratings: one online, one offline (the reviews wait
 * in IndexedDB and the sync indicator shows them) and back online (replayed in order, each with its
 * Idempotency-Key and X-Offline-Queued-At). The server ends in the same state for both, and
 * sending the replayed requests again changes nothing.
 */
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import type { Browser, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack } from "../../../test/e2e/processes.ts";
import { closeTestDeps, signIn, testDeps } from "../../api/test/helpers.ts";
import { type Course, epidemiologyDocument, indexDocument, makeCourse } from "./course.ts";
import {
  ensureWebBuilt,
  type Learner,
  launchBrowser,
  openPhone,
  screenshot,
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

interface Memory {
  state: string;
  stability: number;
  difficulty: number;
  scheduled_days: number;
  reps: number;
  lapses: number;
  due: string;
  last_review: string | null;
}
type Card = { id: string; memory: Memory | null };

async function deckOf(learner: Learner, moduleId: string): Promise<Card[]> {
  const res = await fetch(`${stack.base}/api/v1/modules/${moduleId}/flashcards?limit=100&fields=id,memory`, {
    headers: { authorization: `Bearer ${learner.accessToken}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: Card[] }).items;
}

/** What a review leaves, independent of when it was made: the due date as an interval after it. */
function stateOf(cards: Card[]) {
  return cards
    .filter((c) => c.memory)
    .map(({ id, memory: m }) => ({
      id,
      state: m?.state,
      stability: m?.stability,
      difficulty: m?.difficulty,
      scheduled_days: m?.scheduled_days,
      reps: m?.reps,
      lapses: m?.lapses,
      interval_ms: m?.last_review ? Date.parse(m.due) - Date.parse(m.last_review) : null,
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

async function enroll(learner: Learner): Promise<void> {
  const res = await fetch(`${stack.base}/api/v1/courses/${course.id}/enroll`, {
    method: "POST",
    headers: { authorization: `Bearer ${learner.accessToken}` },
  });
  expect(res.status).toBe(200);
}

/** Reviews the session's first cards with RATINGS, in order; returns the cards reviewed. */
async function review(page: Page): Promise<string[]> {
  const reviewed: string[] = [];
  for (const rating of RATINGS) {
    reviewed.push((await page.getAttribute("[data-testid=card]", "data-card")) ?? "");
    await page.click("[data-testid=reveal]");
    await page.click(`[data-rating="${rating}"]`);
    await page.waitForFunction(
      (previous) => document.querySelector("[data-testid=card]")?.getAttribute("data-card") !== previous,
      reviewed.at(-1),
    );
  }
  return reviewed;
}

beforeAll(async () => {
  await truncateAll(process.env.DATABASE_URL as string);
  await ensureWebBuilt();
  stack = await startStack({ RATE_LIMIT_PER_MINUTE: "10000" });
  course = await makeCourse(db, "epidemiologie");
  await indexDocument(stack.base, await signIn(testDeps(), { role: "admin" }), course.id, epidemiologyDocument());
  web = await startWeb(stack.base);
  browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await stack?.stop();
  await db.$disconnect();
  await closeTestDeps();
});

describe("offline first", () => {
  it("opens the lesson, module and deck pages it has opened, and the app shell, without a network", async () => {
    const { context, page } = await openPhone(browser, web.origin);
    await enroll(await signUpLearner(db, context, web.origin, stack.base));
    const module1 = course.modules[0];
    if (!module1) throw new Error("no module");
    const lesson = `/modules/${module1.id}/lessons/${module1.units[0]?.id}`;
    await page.goto(lesson);
    await page.waitForSelector("[data-testid=lesson][data-state=done]", { timeout: 90_000 });
    await serviceWorkerControls(page);
    // Opened again now that the worker controls the page: the written lesson, the module, the deck.
    await page.goto(lesson);
    await page.waitForSelector("[data-testid=lesson][data-state=done]");
    await page.goto(`/modules/${module1.id}`);
    await page.waitForSelector("[data-testid=units]");
    await page.goto(`/modules/${module1.id}/flashcards`);
    await page.waitForSelector("[data-testid=due-counts]", { timeout: 120_000 });

    await context.setOffline(true);
    await page.goto(lesson);
    expect(await page.textContent("[data-testid=lesson-text]")).toMatch(/incidence|épidémi/i);
    await page.goto(`/modules/${module1.id}`);
    await page.waitForSelector("[data-testid=units]");
    await page.goto(`/modules/${module1.id}/flashcards`);
    await page.waitForSelector("[data-testid=due-counts]");
    // A page never opened: the precached offline page, in the app's shell.
    await page.goto("/placement");
    await page.waitForSelector("text=Cette page n'a pas encore été ouverte");
    await screenshot(page, "offline-page");
    await context.close();
  }, 300_000);

  it("queues five reviews offline and replays them: the server ends as after an online session", async () => {
    const module1 = course.modules[0];
    if (!module1) throw new Error("no module");

    const online = await openPhone(browser, web.origin);
    const onlineLearner = await signUpLearner(db, online.context, web.origin, stack.base);
    await enroll(onlineLearner);
    await online.page.goto(`/modules/${module1.id}/flashcards`);
    await online.page.waitForSelector("[data-testid=card]", { timeout: 120_000 });
    expect(Number(await online.page.getAttribute("[data-testid=due-counts]", "data-new"))).toBeGreaterThanOrEqual(5);
    const reviewedOnline = await review(online.page);
    await online.page.waitForSelector("[data-testid=sync][data-pending='0']");

    const offline = await openPhone(browser, web.origin);
    const offlineLearner = await signUpLearner(db, offline.context, web.origin, stack.base);
    await enroll(offlineLearner);
    const { page, context } = offline;
    await page.goto(`/modules/${module1.id}/flashcards`);
    await page.waitForSelector("[data-testid=card]");
    await context.setOffline(true);
    await page.waitForSelector("[data-testid=sync][data-online=no]");
    const reviewedOffline = await review(page);
    expect(reviewedOffline).toEqual(reviewedOnline);
    await page.waitForSelector("[data-testid=sync][data-pending='5']");
    await screenshot(page, "offline-queue");
    expect(await db.flashcardReviewLog.count({ where: { userId: offlineLearner.userId } })).toBe(0);

    const replayed: Request[] = [];
    page.on("request", (request) => {
      if (/\/api\/v1\/flashcards\/[^/]+\/review$/.test(request.url())) replayed.push(request);
    });
    await context.setOffline(false);
    await page.waitForSelector("[data-testid=sync][data-pending='0']", { timeout: 30_000 });

    // In the order they were made, each with its own key and the time it was made.
    expect(replayed.map((r) => /flashcards\/([^/]+)\/review/.exec(r.url())?.[1])).toEqual(reviewedOffline);
    const headers = await Promise.all(replayed.map((r) => r.allHeaders()));
    expect(new Set(headers.map((h) => h["idempotency-key"])).size).toBe(5);
    for (const h of headers) expect(h["x-offline-queued-at"]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    const logs = await db.flashcardReviewLog.findMany({
      where: { userId: offlineLearner.userId },
      orderBy: { reviewedAt: "asc" },
    });
    expect(logs.map((l) => l.rating)).toEqual(RATINGS);
    // Recorded when they were made offline, not when they arrived.
    for (const log of logs) expect(log.reviewedAt.getTime()).toBeLessThan(log.createdAt.getTime());

    const after = stateOf(await deckOf(offlineLearner, module1.id));
    expect(after).toEqual(stateOf(await deckOf(onlineLearner, module1.id)));

    // The same requests sent again (a replay twice) are answered from the first time and change nothing.
    for (const [i, request] of replayed.entries()) {
      const again = await context.request.post(request.url(), {
        headers: {
          "content-type": "application/json",
          authorization: headers[i]?.authorization ?? "",
          "idempotency-key": headers[i]?.["idempotency-key"] ?? "",
          "x-offline-queued-at": headers[i]?.["x-offline-queued-at"] ?? "",
        },
        data: request.postData() ?? "",
      });
      expect(again.status()).toBe(200);
      expect(again.headers()["idempotent-replayed"]).toBe("true");
    }
    expect(await db.flashcardReviewLog.count({ where: { userId: offlineLearner.userId } })).toBe(5);
    expect(stateOf(await deckOf(offlineLearner, module1.id))).toEqual(after);
    await online.context.close();
    await context.close();
  }, 300_000);
});
