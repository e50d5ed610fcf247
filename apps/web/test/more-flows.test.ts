/**
 * The learner flows beyond the acceptance path, in the browser against the real stack: a paid
 * course (402, the mobile-money instructions of a payment intent, an activation code, the purchase,
 * back to the course), recovery by magic link (a new authenticator, then signed in), a case study
 * answered then corrected, the profile (English, the data export, erasure), a quick review whose
 * rated cards are not asked again, and a curriculum's page (its courses in order; a
 * draft is not found). Pages visited pass axe-core, fit 360 px, and have 44 px targets.
 */
import { readFileSync } from "node:fs";
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { poll } from "../../../test/e2e/http.ts";
import { type Stack, startStack } from "../../../test/e2e/processes.ts";
import { closeTestDeps, type SignedIn, signIn, testDeps } from "../../api/test/helpers.ts";
import { type Course, indexDocument, makeCourse } from "./course.ts";
import {
  checkPhonePage,
  codeAt,
  ensureWebBuilt,
  launchBrowser,
  openPhone,
  serviceWorkerControls,
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

const adminCall = async <T>(path: string, body: unknown): Promise<T> => {
  const res = await fetch(`${stack.base}${path}`, {
    method: "POST",
    headers: { ...admin.headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status, `${path}: ${res.status}`).toBe(201);
  return (await res.json()) as T;
};

beforeAll(async () => {
  await truncateAll(process.env.DATABASE_URL as string);
  await ensureWebBuilt();
  stack = await startStack({ RATE_LIMIT_PER_MINUTE: "10000" });
  admin = await signIn(testDeps(), { role: "admin" });
  course = await makeCourse(db, "paludisme-cas", { caseStudy: true });
  await indexDocument(stack.base, admin, course.id);
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

describe("more of the learner's flows", () => {
  it("a paid course: 402, mobile money instructions, an activation code, then the course", async () => {
    const paid = await makeCourse(db, "cooperatives", { priceCredits: 50 });
    await adminCall("/api/v1/admin/credit-packages", {
      slug: "decouverte",
      name_fr: "Découverte",
      name_en: "Discovery",
      credits: 100,
      price_amount: 1000,
      currency: "XOF",
    });
    const batch = await adminCall<{ codes: { code: string }[] }>("/api/v1/admin/activation-codes/batches", {
      kind: "credits",
      credits: 60,
      count: 1,
      label: "Salon de Thiès",
    });
    const { context, page, watch } = await openPhone(browser, web.origin);
    watch.expect(/\/courses\/[^/]+\/enroll$/, 402);
    const learner = await signUpLearner(db, context, web.origin, stack.base);

    await page.goto(`/courses/${paid.slug}`);
    await page.click("text=S'inscrire (50 crédits)");
    await page.waitForSelector("[data-testid=payment-required]");
    expect(await page.textContent("[data-testid=payment-required]")).toMatch(/50 crédits.*solde est de 0/);
    await checkPhonePage(page, "course-paid");

    await page.click("text=Acheter des crédits (mobile money)");
    await page.waitForURL(`**/credits?course=${paid.slug}`);
    await page.click("text=Payer");
    await page.waitForSelector("[data-testid=payment-intent][data-status=open]");
    const intent = await page.textContent("[data-testid=payment-intent]");
    expect(intent).toMatch(/1[\s\u202f]?000/);
    expect(intent).toMatch(/Orange Money/);
    expect(intent).toMatch(/[A-Z0-9]{6}/);
    await checkPhonePage(page, "credits-intent");

    await page.fill("#activation", batch.codes[0]?.code ?? "");
    await page.click("text=Valider le code");
    await page.waitForSelector("text=60 crédits ajoutés");
    // The button names the course the link pointed to and its price, read from the catalog.
    expect(await page.textContent("[data-testid=buy-course]")).toBe(`Acheter « Le paludisme » pour 50 crédits`);
    await page.click("[data-testid=buy-course]");
    await page.click("text=Commencer le cours");
    await page.waitForURL(`**/learn/${paid.id}`);
    const enrollment = await db.userCourseEnrollment.findFirst({
      where: { userId: learner.userId, courseId: paid.id },
    });
    expect(enrollment?.status).toBe("active");
    expect(watch.problems).toEqual([]);
    await context.close();
  }, 120_000);

  it("signs in with the authenticator, and recovers access by magic link with a new one", async () => {
    const first = await browser.newContext({ baseURL: web.origin });
    const learner = await signUpLearner(db, first, web.origin, stack.base);
    await first.close();

    const { context, page, watch } = await openPhone(browser, web.origin);
    await page.goto("/sign-in");
    await page.fill("#email", learner.email);
    // The sign-up spent this step's code; the API takes the next step's too.
    await page.fill("#code", await codeAt(learner.secret, 1));
    await page.click("form button[type=submit]");
    await page.waitForSelector("[data-testid=dashboard]");
    await context.clearCookies();

    await page.goto("/recover");
    await page.fill("#email", learner.email);
    await page.click("form button[type=submit]");
    await page.waitForSelector("text=un e-mail vient d'être envoyé");
    // The link is made and sent after the answer (a known address answers as fast as an unknown one).
    const sent = () =>
      db.emailOutbox.findFirst({
        where: { toAddress: learner.email, template: { contains: "recovery" } },
        orderBy: { createdAt: "desc" },
      });
    await expect.poll(sent, { timeout: 10_000 }).not.toBeNull();
    const message = await sent();
    const link = /https?:\/\/\S+\/recover\?token=[^\s"<)]+/.exec(message?.textBody ?? "")?.[0] ?? "";
    expect(link).not.toBe("");
    const url = new URL(link);
    await serviceWorkerControls(page);
    await page.goto(`/recover${url.search}`);
    await page.click("text=Continuer");
    const secret = (await page.textContent("[data-testid=totp-secret]"))?.trim() ?? "";
    await checkPhonePage(page, "recover");
    await page.fill("#code", await codeAt(secret));
    await page.click("form[aria-label] button[type=submit]");
    await page.waitForSelector("[data-testid=dashboard]");
    // The worker kept no copy of the page that carried the token.
    const kept = await page.evaluate(
      async (path) => (await caches.match(path, { ignoreVary: true })) !== undefined,
      `/recover${url.search}`,
    );
    expect(kept).toBe(false);
    expect(watch.problems).toEqual([]);
    await context.close();
  }, 120_000);

  it("answers a case study, then reads its correction", async () => {
    const { context, page, watch } = await openPhone(browser, web.origin);
    watch.expect(/\/case-studies\//, 409);
    const learner = await signUpLearner(db, context, web.origin, stack.base);
    await fetch(`${stack.base}/api/v1/courses/${course.id}/enroll`, {
      method: "POST",
      headers: { authorization: `Bearer ${learner.accessToken}` },
    });
    const module1 = course.modules[0];
    const unit = module1?.units.find((u) => u.unitType === "case_study");
    await page.goto(`/modules/${module1?.id}/cases/${unit?.id}`);
    await page.waitForSelector("[data-testid=case-study]", { timeout: 120_000 });
    for (const field of await page.locator("textarea").all()) {
      await field.fill("Distribuer des moustiquaires imprégnées et organiser la chimioprévention saisonnière.");
    }
    await page.click("text=Envoyer mes réponses");
    await page.waitForSelector("[data-testid=correction]");
    await checkPhonePage(page, "case-study");
    expect(watch.problems).toEqual([]);
    await context.close();
  }, 180_000);

  it("profile: English, the data export, then erasure", async () => {
    const { context, page, watch } = await openPhone(browser, web.origin);
    const learner = await signUpLearner(db, context, web.origin, stack.base);
    await page.goto("/profile");
    await page.waitForSelector("#name");
    await page.check("input[name=preferred_language][value=en]");
    await page.click("text=Enregistrer");
    await page.waitForFunction(() => document.documentElement.lang === "en");
    await page.waitForSelector("text=Download my data");
    await checkPhonePage(page, "profile");
    const user = await db.user.findUniqueOrThrow({ where: { id: learner.userId } });
    expect(user.preferredLanguage).toBe("en");

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("text=Download my data")]);
    const exported = JSON.parse(readFileSync((await download.path()) ?? "", "utf8")) as {
      profile?: { email?: string };
    };
    expect(JSON.stringify(exported)).toContain(learner.email);

    await page.fill("#confirm", "DELETE");
    await page.click("text=Delete for good");
    await page.waitForURL(`${web.origin}/`);
    await page.waitForSelector("text=Create an account");
    expect((await db.user.findUniqueOrThrow({ where: { id: learner.userId } })).email).not.toBe(learner.email);
    expect((await context.cookies()).find((c) => c.name === "sira_rt")).toBeUndefined();
    expect(watch.problems).toEqual([]);
    await context.close();
  }, 120_000);

  it("reviews the cards the quick review offers, and is not asked them again", async () => {
    const { context, page, watch } = await openPhone(browser, web.origin);
    const learner = await signUpLearner(db, context, web.origin, stack.base);
    const auth = { authorization: `Bearer ${learner.accessToken}` };
    const enrolled = await fetch(`${stack.base}/api/v1/courses/${course.id}/enroll`, { method: "POST", headers: auth });
    expect(enrolled.status).toBeLessThan(300);
    // The module's deck is generated on its first request: 409 with Retry-After until it is ready.
    const deckPath = `${stack.base}/api/v1/modules/${course.modules[0]?.id}/flashcards`;
    const deck = await poll(
      () => fetch(deckPath, { headers: auth }),
      (res) => res.status !== 409,
      "the module's deck",
      { ms: 120_000 },
    );
    expect(deck.status).toBe(200);
    // New cards come to the quick review from modules the learner has started: one card reviewed in
    // the module's own deck starts it.
    const [opened] = ((await deck.json()) as { items: { id: string }[] }).items;
    const reviewed = await fetch(`${stack.base}/api/v1/flashcards/${opened?.id}/review`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json", "idempotency-key": crypto.randomUUID() },
      body: JSON.stringify({ rating: 3, duration_ms: 5000 }),
    });
    expect(reviewed.status).toBe(200);

    const shownCards = async (): Promise<string[]> => {
      await page.goto("/review");
      await page.waitForSelector("[data-testid=due-total]");
      if ((await page.locator("[data-testid=card]").count()) === 0) return [];
      const total = Number((await page.textContent("[data-testid=card] p"))?.match(/sur (\d+)/)?.[1]);
      const ids: string[] = [];
      for (let i = 0; i < total; i++) {
        ids.push((await page.getAttribute("[data-testid=card]", "data-card")) ?? "");
        await page.click("[data-testid=reveal]");
        if (ids.length === 1) await checkPhonePage(page, "quick-review");
        await page.click('[data-rating="4"]');
        if (i + 1 < total) {
          await page.waitForFunction(
            (previous) => document.querySelector("[data-testid=card]")?.getAttribute("data-card") !== previous,
            ids.at(-1),
          );
        }
      }
      await page.waitForSelector("[data-testid=review-done]");
      return ids;
    };

    const first = await shownCards();
    expect(first.length).toBeGreaterThan(0);
    expect(first).not.toContain(opened?.id);
    const logged = () => db.flashcardReviewLog.count({ where: { userId: learner.userId } });
    await expect.poll(logged, { timeout: 10_000 }).toBe(1 + first.length);
    // Rated "easy", the cards are scheduled days ahead: the next session never shows them again.
    const second = await shownCards();
    expect(second.filter((id) => first.includes(id))).toEqual([]);
    await expect.poll(logged, { timeout: 10_000 }).toBe(1 + first.length + second.length);
    expect(watch.problems).toEqual([]);
    await context.close();
  }, 180_000);

  it("a published curriculum lists its courses in order and leads to them; a draft one is not found", async () => {
    const created = async (title: string) => {
      const res = await fetch(`${stack.base}/api/v1/admin/curricula`, {
        method: "POST",
        headers: { ...admin.headers, "content-type": "application/json" },
        body: JSON.stringify({ title_fr: title, title_en: title, visibility: "public" }),
      });
      expect(res.status).toBe(201);
      return (await res.json()) as { id: string; slug: string };
    };
    const send = (method: string, path: string, body: unknown) =>
      fetch(`${stack.base}/api/v1/admin/curricula/${path}`, {
        method,
        headers: { ...admin.headers, "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then((r) => r.status);
    const second = await makeCourse(db, "vaccination");
    const published = await created("Santé communautaire");
    expect(await send("PUT", `${published.id}/courses`, { course_ids: [second.id, course.id] })).toBe(200);
    expect(await send("PATCH", published.id, { status: "published" })).toBe(200);
    const draft = await created("Parcours en préparation");

    const { context, page, watch } = await openPhone(browser, web.origin);
    watch.expect(new RegExp(`/curricula/${draft.slug}`), 404);
    await signUpLearner(db, context, web.origin, stack.base);
    await page.goto(`/curricula/${published.slug}`);
    await page.waitForSelector("h1:has-text('Santé communautaire')");
    const links = await page.locator("ol li a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    expect(links).toEqual([`/courses/${second.slug}`, `/courses/${course.slug}`]);
    await checkPhonePage(page, "curriculum");
    await page.click(`a[href="/courses/${course.slug}"]`);
    await page.waitForURL(`**/courses/${course.slug}`);

    const missing = await page.goto(`/curricula/${draft.slug}`);
    expect(missing?.status()).toBe(404);
    expect(watch.problems).toEqual([]);
    await context.close();
  }, 120_000);
});
