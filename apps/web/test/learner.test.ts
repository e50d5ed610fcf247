/**
 * The learner PWA in a real browser (Debian's Chromium through playwright-core, 360 px wide),
 * built and served as production serves it, against the real API, worker, PostgreSQL and Redis.
 * A new learner signs up with a TOTP code computed here (and the code emailed to the outbox),
 * enrolls in a free course, reads a lesson streamed as it is written, passes the practice quiz,
 * reviews flashcards, asks the tutor, and sees the dashboard count all of it. axe-core finds no
 * serious or critical violation on the pages visited; a screenshot of each is written.
 */
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack } from "../../../test/e2e/processes.ts";
import { closeTestDeps, type SignedIn, signIn, testDeps } from "../../api/test/helpers.ts";
import { type Course, indexDocument, makeCourse } from "./course.ts";
import {
  checkPhonePage,
  codeAt,
  emailedCode,
  ensureWebBuilt,
  launchBrowser,
  openPhone,
  startWeb,
  type Watch,
  type WebApp,
} from "./harness.ts";

const db = createDb({ url: process.env.DATABASE_URL as string });
let stack: Stack;
let web: WebApp;
let browser: Browser;
let page: Page;
let watch: Watch;
let course: Course;
const email = `awa.${crypto.randomUUID().slice(0, 8)}@example.org`;

const checkPage = (name: string) => checkPhonePage(page, name);

beforeAll(async () => {
  await truncateAll(process.env.DATABASE_URL as string);
  await ensureWebBuilt();
  stack = await startStack({ RATE_LIMIT_PER_MINUTE: "10000" });
  const admin: SignedIn = await signIn(testDeps(), { role: "admin" });
  course = await makeCourse(db);
  await indexDocument(stack.base, admin, course.id);
  web = await startWeb(stack.base);
  browser = await launchBrowser();
  ({ page, watch } = await openPhone(browser, web.origin));
  // The quiz and the deck are generated on first request: 409 with Retry-After until they are ready.
  watch.expect(/\/trpc\/quiz\.start/, 409);
  watch.expect(/\/api\/v1\/modules\/[^/]+\/flashcards/, 409);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await stack?.stop();
  await db.$disconnect();
  await closeTestDeps();
});

describe("a new learner, from sign-up to the dashboard", () => {
  it("1. signs up with the authenticator code computed here and the emailed code", async () => {
    await page.goto("/sign-up");
    await checkPage("sign-up");
    await page.fill("#name", "Awa Diallo");
    await page.fill("#email", email);
    await page.selectOption("#country", "SN");
    await page.fill("#professional_role", "Infirmière");
    await page.click("button[type=submit]");
    const secret = (await page.textContent("[data-testid=totp-secret]"))?.trim() ?? "";
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(await page.locator("[data-testid=backup-codes] li").count()).toBeGreaterThanOrEqual(8);
    await checkPage("sign-up-authenticator");
    await page.fill("#code", await codeAt(secret));
    await page.fill("#email_code", await emailedCode(db, email));
    await page.click("form[aria-label] button[type=submit]");
    await page.waitForSelector("[data-testid=dashboard]");
    // No token is kept where scripts can read it.
    const stored = await page.evaluate(
      () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie,
    );
    expect(stored).not.toMatch(/eyJ|sira_rt|sira_at/);
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === "sira_rt")?.httpOnly).toBe(true);
    expect(cookies.find((c) => c.name === "sira_at")?.httpOnly).toBe(true);
  }, 60_000);

  it("2. finds the course by an accent-free search and enrolls for free", async () => {
    await page.goto("/courses?search=prevenir+depister");
    await checkPage("catalog");
    await page.click(`a[href="/courses/${course.slug}"]`);
    await page.waitForSelector("h1");
    await checkPage("course");
    await page.click("text=S'inscrire gratuitement");
    await page.waitForURL(`**/learn/${course.id}`);
    expect(await page.getAttribute("[data-testid=modules] li:nth-child(2)", "data-locked")).toBe("yes");
    expect(await page.textContent("[data-testid=lock-reasons]")).toMatch(/module 1/);
    await checkPage("modules");
  }, 60_000);

  it("3. reads a lesson streamed as it is written, and opens a citation", async () => {
    const module1 = course.modules[0];
    if (!module1) throw new Error("no module");
    await page.click(`a[href="/modules/${module1.id}"]`);
    await page.waitForSelector("[data-testid=units]");
    await checkPage("module");
    // Nobody has read this lesson yet: the page follows its generation as the API streams it.
    const streamed = page.waitForRequest((r) => /\/lessons\/[^/]+\/stream$/.test(r.url()));
    await page.click(`a[href="/modules/${module1.id}/lessons/${module1.units[0]?.id}"]`);
    await streamed;
    await page.waitForSelector("[data-testid=lesson][data-state=done]", { timeout: 90_000 });
    const text = await page.textContent("[data-testid=lesson-text]");
    expect(text?.length).toBeGreaterThan(200);
    expect(text).toMatch(/paludisme|moustique/i);
    const cite = page.locator("[data-testid=lesson-text] a.cite").first();
    await cite.click();
    expect(await page.textContent("[data-testid=citation-sheet]")).toMatch(/paludisme\.md/);
    await checkPage("lesson");
    await page.click("[data-testid=mark-read]");
    await page.waitForSelector("text=Leçon terminée");
  }, 120_000);

  it("4. passes the practice quiz, one question at a time", async () => {
    const module1 = course.modules[0];
    if (!module1) throw new Error("no module");
    await page.goto(`/modules/${module1.id}/quiz`);
    await page.waitForSelector("[data-testid=question]", { timeout: 120_000 });
    await checkPage("quiz");
    for (let asked = 0; asked < 40; asked++) {
      const itemId = await page.getAttribute("[data-testid=question]", "data-item");
      const item = await db.quizItem.findUniqueOrThrow({ where: { id: itemId ?? "" } });
      await page.check(`input[data-option="${item.correctOption}"]`);
      await page.click("[data-testid=answer]");
      await page.waitForSelector("[data-testid=feedback][data-correct=yes]");
      if (asked === 0) await checkPage("quiz-feedback");
      const next = await page.textContent("[data-testid=next]");
      await page.click("[data-testid=next]");
      if (next?.includes("résultat")) break;
      await page.waitForFunction(
        (previous) => document.querySelector("[data-testid=question]")?.getAttribute("data-item") !== previous,
        itemId,
      );
    }
    await page.waitForSelector("[data-testid=quiz-result]");
    expect(Number(await page.getAttribute("[data-testid=quiz-result]", "data-score"))).toBeGreaterThanOrEqual(80);
    await checkPage("quiz-result");
  }, 180_000);

  it("5. reviews flashcards with the four ratings", async () => {
    const module1 = course.modules[0];
    if (!module1) throw new Error("no module");
    const deckUnit = module1.units.find((u) => u.unitType === "flashcards");
    await page.goto(`/modules/${module1.id}/flashcards?unit=${deckUnit?.id}`);
    await page.waitForSelector("[data-testid=due-counts]", { timeout: 120_000 });
    const counts = page.locator("[data-testid=due-counts]");
    const waiting = Number(await counts.getAttribute("data-new")) + Number(await counts.getAttribute("data-due"));
    await checkPage("flashcards");
    // Quiz answers already schedule the cards of their concepts: with nothing due, review every card.
    if (waiting === 0) await page.click("text=Revoir toutes les cartes");
    const reviews = Math.min(4, Number(await counts.getAttribute("data-total")));
    for (let i = 0; i < reviews; i++) {
      await page.click("[data-testid=reveal]");
      if (i === 0) await checkPage("flashcard-back");
      await page.click(`[data-rating="${(i % 4) + 1}"]`);
    }
    const learner = await db.user.findUniqueOrThrow({ where: { email } });
    const deadline = Date.now() + 10_000;
    const logged = () => db.flashcardReviewLog.count({ where: { userId: learner.id, source: "flashcard" } });
    while ((await logged()) < reviews && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await logged()).toBe(reviews);
    // A session gone through completes the deck's unit.
    if (reviews === Number(await counts.getAttribute("data-total"))) {
      await page.waitForSelector("[data-testid=review-done]");
      await expect
        .poll(() =>
          db.userUnitProgress
            .findFirst({ where: { userId: learner.id, unitId: deckUnit?.id ?? "" } })
            .then((p) => p?.status),
        )
        .toBe("completed");
    }
  }, 180_000);

  it("6. asks the tutor and reads a cited answer as it streams", async () => {
    await page.goto(`/tutor?course=${course.id}`);
    await page.waitForSelector("[data-testid=messages-left][data-left]:not([data-left=''])");
    const before = Number(await page.getAttribute("[data-testid=messages-left]", "data-left"));
    await page.fill("#message", "Comment la moustiquaire protège-t-elle du paludisme ?");
    await page.click("form button[type=submit]");
    await page.waitForSelector("[data-testid=answer][data-status=complete]", { timeout: 90_000 });
    expect(await page.textContent("[data-testid=answer]")).toMatch(/moustiquaire/i);
    expect(await page.textContent("[data-testid=tutor-sources]")).toMatch(/paludisme\.md/);
    expect(Number(await page.getAttribute("[data-testid=messages-left]", "data-left"))).toBe(before - 1);
    await checkPage("tutor");
  }, 120_000);

  it("7. sees the dashboard count the day's work", async () => {
    await page.goto("/");
    await page.waitForSelector("[data-testid=dashboard]");
    expect(Number(await page.getAttribute("[data-testid=streak]", "data-value"))).toBeGreaterThanOrEqual(1);
    const limit = Number((await page.textContent("[data-testid=tutor-left] dd"))?.split("/")[1]);
    expect(Number(await page.getAttribute("[data-testid=tutor-left]", "data-value"))).toBe(limit - 1);
    expect(Number(await page.getAttribute("[data-testid=dashboard-courses] li", "data-completion"))).toBeGreaterThan(0);
    await checkPage("dashboard");
    expect(watch.problems).toEqual([]);
  }, 60_000);
});
