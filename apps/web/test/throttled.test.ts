/**
 * The app over EDGE (240 kbit/s, 840 ms round trip, Chrome's network emulation) against the real
 * stack. Asserts the byte budgets only: the catalog's HTML + CSS within 30 KB compressed, and the
 * JavaScript of the catalog, lesson, quiz and tutor pages within 150 KB compressed on a first
 * visit. The largest contentful paint of the lesson, first visit and repeat visit served by the
 * service worker, is printed, not asserted (timings belong to `pnpm bench:web`). Also: the home
 * and lesson pages are readable with JavaScript turned off.
 */
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack } from "../../../test/e2e/processes.ts";
import { closeTestDeps, signIn, testDeps } from "../../api/test/helpers.ts";
import { type Course, indexDocument, makeCourse } from "./course.ts";
import { BUDGETS, kb, keptByServiceWorker, throttle, visit, watchLcp } from "./edge.ts";
import { ensureWebBuilt, type Learner, launchBrowser, PHONE, signUpLearner, startWeb, type WebApp } from "./harness.ts";

const db = createDb({ url: process.env.DATABASE_URL as string });
let stack: Stack;
let web: WebApp;
let browser: Browser;
let course: Course;
let learner: Learner;
let signedIn: BrowserContext;
let lessonPath: string;

/** A fresh phone (empty cache, no service worker) signed in as the learner. */
async function freshPhone(javaScriptEnabled = true) {
  const context = await browser.newContext({
    viewport: PHONE,
    locale: "fr-FR",
    baseURL: web.origin,
    javaScriptEnabled,
  });
  await context.addCookies(await signedIn.cookies());
  await watchLcp(context);
  return { context, page: await context.newPage() };
}

beforeAll(async () => {
  await truncateAll(process.env.DATABASE_URL as string);
  await ensureWebBuilt();
  stack = await startStack({ RATE_LIMIT_PER_MINUTE: "10000" });
  course = await makeCourse(db, "paludisme-edge");
  await indexDocument(stack.base, await signIn(testDeps(), { role: "admin" }), course.id);
  web = await startWeb(stack.base);
  browser = await launchBrowser();
  signedIn = await browser.newContext({ baseURL: web.origin });
  learner = await signUpLearner(db, signedIn, web.origin, stack.base);
  const auth = { authorization: `Bearer ${learner.accessToken}` };
  expect(
    (await fetch(`${stack.base}/api/v1/courses/${course.id}/enroll`, { method: "POST", headers: auth })).status,
  ).toBe(200);
  const module1 = course.modules[0];
  lessonPath = `/modules/${module1?.id}/lessons/${module1?.units[0]?.id}`;
  // The lesson is written once (as for every learner after the first): its page is then server-rendered.
  const stream = await fetch(`${stack.base}/api/v1${lessonPath}/stream`, { headers: auth });
  expect(await stream.text()).toContain("event: done");
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await stack?.stop();
  await db.$disconnect();
  await closeTestDeps();
});

describe("on EDGE", () => {
  it("home and lesson pages are readable before any JavaScript runs", async () => {
    const { context, page } = await freshPhone(false);
    await page.goto("/");
    expect(await page.textContent("[data-testid=dashboard]")).toMatch(/Le paludisme/);
    await page.goto(lessonPath);
    expect((await page.textContent("[data-testid=lesson-text]"))?.length).toBeGreaterThan(200);
    // Citations are links to their source and page, which work without a script.
    const href = await page.getAttribute("[data-testid=lesson-text] a.cite", "href");
    expect(await page.textContent(href ?? "#none")).toMatch(/paludisme\.md/);
    await context.close();
  }, 60_000);

  it("keeps the catalog and page scripts within their byte budgets, and reports the lesson's LCP", async () => {
    const report: string[] = [];
    const catalog = await freshPhone();
    const catalogVisit = await visit(catalog.page, await throttle(catalog.page), "/courses");
    const htmlCss = (catalogVisit.bytes.Document ?? 0) + (catalogVisit.bytes.Stylesheet ?? 0);
    report.push(
      `catalog: HTML + CSS ${kb(htmlCss)}, JS ${kb(catalogVisit.bytes.Script)}, LCP ${catalogVisit.lcpMs} ms`,
    );
    expect(htmlCss).toBeLessThanOrEqual(BUDGETS.catalogHtmlCssBytes);
    expect(catalogVisit.bytes.Script ?? 0).toBeLessThanOrEqual(BUDGETS.pageJsBytes);
    await catalog.context.close();

    const phone = await freshPhone();
    const cdp = await throttle(phone.page);
    const first = await visit(phone.page, cdp, lessonPath);
    expect(first.bytes.Script ?? 0).toBeLessThanOrEqual(BUDGETS.pageJsBytes);
    await keptByServiceWorker(phone.page, lessonPath);
    const repeat = await visit(phone.page, cdp, lessonPath);
    expect(repeat.fromServiceWorker).toBeGreaterThan(0);
    report.push(
      `lesson, first visit: LCP ${first.lcpMs} ms (budget ${BUDGETS.firstVisitLcpMs}), HTML ${kb(first.bytes.Document)}, JS ${kb(first.bytes.Script)}`,
      `lesson, repeat visit through the service worker: LCP ${repeat.lcpMs} ms (budget ${BUDGETS.repeatVisitLcpMs}), ${kb(Object.values(repeat.bytes).reduce((a, b) => a + b, 0))} from the network`,
    );
    await phone.context.close();

    for (const path of [`/modules/${course.modules[0]?.id}/quiz`, `/tutor?course=${course.id}`]) {
      const fresh = await freshPhone();
      const seen = await visit(fresh.page, await throttle(fresh.page), path);
      report.push(`${path.split("?")[0]}: JS ${kb(seen.bytes.Script)}`);
      expect(seen.bytes.Script ?? 0).toBeLessThanOrEqual(BUDGETS.pageJsBytes);
      await fresh.context.close();
    }
    console.log(`EDGE (240 kbit/s, 840 ms RTT):\n  ${report.join("\n  ")}`);
  }, 300_000);
});
