/**
 * The two adaptive tests that set where a learner starts, in the browser against the real stack:
 * the placement test (up to 12 questions over the published courses' items, then a level out of 4
 * that the next visit shows, with the retake held back by the cool-down) and a course's
 * pre-assessment (an admin enables it, the worker builds its bank from the indexed document, the
 * learner answers it and is shown which modules are known, and where to start if any is not).
 * Answers are the items' keys, read from the database, so the results are what the server computed
 * for them. Pages visited pass axe-core, fit 360 px, and have 44 px targets.
 */
import { placementLevel } from "@sira/algorithms";
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { poll } from "../../../test/e2e/http.ts";
import { type Stack, startStack } from "../../../test/e2e/processes.ts";
import { closeTestDeps, type SignedIn, signIn, testDeps } from "../../api/test/helpers.ts";
import { type Course, indexDocument, makeCourse } from "./course.ts";
import {
  checkPhonePage,
  ensureWebBuilt,
  launchBrowser,
  openPhone,
  signUpLearner,
  startWeb,
  type WebApp,
} from "./harness.ts";

const db = createDb({ url: process.env.DATABASE_URL as string });
let stack: Stack;
let web: WebApp;
let browser: Browser;
let admin: SignedIn;
let course: Course;

async function api(path: string, who: SignedIn, init: RequestInit = {}): Promise<Response> {
  return fetch(`${stack.base}${path}`, {
    ...init,
    headers: { ...who.headers, "content-type": "application/json", ...init.headers },
  });
}

/**
 * Answers the adaptive test on the page with each item's key until `finished` shows; returns how
 * many questions were asked. Where the test gives feedback after an answer, it must say "right".
 */
async function answerAll(page: Page, finished: string): Promise<number> {
  let asked = 0;
  for (;;) {
    const shown = await page.waitForSelector(`[data-testid=question], ${finished}`, { timeout: 30_000 });
    if ((await shown.getAttribute("data-testid")) !== "question") return asked;
    const itemId = (await shown.getAttribute("data-item")) ?? "";
    const item = await db.quizItem.findUniqueOrThrow({ where: { id: itemId } });
    await page.check(`input[data-option="${item.correctOption}"]`);
    await page.click("[data-testid=answer]");
    asked += 1;
    if (asked > 60) throw new Error("the test never ended");
    await page.waitForFunction(
      (previous) =>
        document.querySelector("[data-testid=next]") !== null ||
        document.querySelector("[data-testid=question]")?.getAttribute("data-item") !== previous,
      itemId,
    );
    if ((await page.locator("[data-testid=next]").count()) > 0) {
      expect(await page.getAttribute("[data-testid=feedback]", "data-correct")).toBe("yes");
      await page.click("[data-testid=next]");
    }
  }
}

beforeAll(async () => {
  await truncateAll(process.env.DATABASE_URL as string);
  await ensureWebBuilt();
  stack = await startStack({ RATE_LIMIT_PER_MINUTE: "10000" });
  admin = await signIn(testDeps(), { role: "admin" });
  course = await makeCourse(db, "paludisme-niveau");
  await indexDocument(stack.base, admin, course.id);
  // The placement bank is the published courses' quiz items: a first learner's quiz makes them.
  const first = await signIn(testDeps(), { role: "learner" });
  expect((await api(`/api/v1/courses/${course.id}/enroll`, first, { method: "POST" })).status).toBeLessThan(300);
  const module1 = course.modules[0]?.id;
  await poll(
    () => api(`/api/v1/modules/${module1}/quiz?kind=formative`, first).then((r) => r.status),
    (status) => status !== 409,
    "the module quiz's bank",
  ).then((status) => expect(status).toBe(200));
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

describe("where a learner starts", () => {
  it("takes the placement test, gets the level it earned, and sees it again with the retake held back", async () => {
    const { context, page, watch } = await openPhone(browser, web.origin);
    const learner = await signUpLearner(db, context, web.origin, stack.base);
    await page.goto("/placement");
    await page.waitForSelector("text=Niveau actuel : 1 sur 4");
    await checkPhonePage(page, "placement");
    await page.click("text=Commencer");
    const asked = await answerAll(page, "[data-testid=placement-level]");

    const attempt = await db.quizAttempt.findFirstOrThrow({ where: { userId: learner.userId, kind: "placement" } });
    const user = await db.user.findUniqueOrThrow({ where: { id: learner.userId } });
    expect(attempt.status).toBe("submitted");
    expect(attempt.itemCount).toBe(asked);
    expect(attempt.correctCount).toBe(asked);
    expect(asked).toBeGreaterThan(0);
    expect(asked).toBeLessThanOrEqual(12);
    // The level is the server's cut of the ability estimate; every answer right puts it above the middle.
    expect(attempt.resultLevel).toBe(placementLevel(attempt.theta));
    expect(user.currentLevel).toBe(attempt.resultLevel);
    expect(attempt.resultLevel).toBeGreaterThanOrEqual(3);
    expect(await page.textContent("[data-testid=placement-level]")).toContain(`${attempt.resultLevel} sur 4`);
    await checkPhonePage(page, "placement-result");

    await page.reload();
    await page.waitForSelector(`text=Niveau actuel : ${attempt.resultLevel} sur 4`);
    expect(await page.textContent("main")).toMatch(/Dernier test : niveau \d/);
    // The platform's cool-down: no new test today, and the page says when one is possible.
    expect(await page.locator("text=Nouveau test possible le").count()).toBe(1);
    expect(await page.locator("button", { hasText: "Commencer" }).count()).toBe(0);
    expect(watch.problems).toEqual([]);
    await context.close();
  }, 180_000);

  it("answers a course's pre-assessment built by the worker, and is shown the modules it already knows", async () => {
    const path = `/api/v1/admin/courses/${course.id}/preassessment`;
    const put = await api(path, admin, { method: "PUT", body: JSON.stringify({ is_enabled: true, max_items: 6 }) });
    expect(put.status).toBe(200);
    expect((await api(`${path}/generate`, admin, { method: "POST" })).status).toBe(202);
    await poll(
      () => api(path, admin).then((r) => r.json() as Promise<{ generation_status: string }>),
      (s) => s.generation_status === "ready" || s.generation_status === "failed",
      "the pre-assessment's bank",
    ).then((s) => expect(s.generation_status).toBe("ready"));

    const { context, page, watch } = await openPhone(browser, web.origin);
    const learner = await signUpLearner(db, context, web.origin, stack.base);
    const enrolled = await fetch(`${stack.base}/api/v1/courses/${course.id}/enroll`, {
      method: "POST",
      headers: { authorization: `Bearer ${learner.accessToken}` },
    });
    expect(enrolled.status).toBeLessThan(300);
    await page.goto(`/learn/${course.id}/preassessment`);
    await page.waitForSelector("text=Au plus 6 questions");
    await checkPhonePage(page, "preassessment");
    await page.click("button:has-text('Commencer')");
    const asked = await answerAll(page, "[data-testid=preassessment-result]");
    expect(asked).toBeGreaterThan(0);
    expect(asked).toBeLessThanOrEqual(6);

    const attempt = await db.quizAttempt.findFirstOrThrow({
      where: { userId: learner.userId, kind: "preassessment" },
    });
    expect(attempt.status).toBe("submitted");
    expect(attempt.itemCount).toBe(asked);
    const result = page.locator("[data-testid=preassessment-result]");
    expect(await result.textContent()).toContain(`Score : ${Math.round(attempt.score ?? -1)}`);
    expect(attempt.score).toBe(100);
    // Every answer right: the page names as many known modules as the server recorded.
    const status = await fetch(`${stack.base}/api/v1/courses/${course.id}/preassessment`, {
      headers: { authorization: `Bearer ${learner.accessToken}` },
    }).then(
      (r) =>
        r.json() as Promise<{
          latest_result: { known_module_ids: string[]; suggested_module_id: string | null } | null;
        }>,
    );
    const known = status.latest_result?.known_module_ids ?? [];
    expect(known.length).toBeGreaterThan(0);
    expect(await result.textContent()).toContain(`Modules déjà maîtrisés : ${known.length}`);
    // Known modules count as passed for unlocking: their progress says so.
    const marked = await db.userModuleProgress.findMany({
      where: { userId: learner.userId, testedOutAt: { not: null } },
      select: { moduleId: true },
    });
    expect(marked.map((m) => m.moduleId).sort()).toEqual([...known].sort());
    // The first module not known is suggested; with every module known there is none to suggest.
    const suggested = status.latest_result?.suggested_module_id ?? null;
    expect(suggested).toBe(course.modules.find((m) => !known.includes(m.id))?.id ?? null);
    expect(await result.locator("a[href^='/modules/']").count()).toBe(suggested ? 1 : 0);
    await checkPhonePage(page, "preassessment-result");
    expect(watch.problems).toEqual([]);
    await context.close();
  }, 240_000);
});
