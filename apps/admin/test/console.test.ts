/**
 * The admin console in a real browser (Debian's Chromium through playwright-core), built and served
 * by `next start`, against the real API, worker, PostgreSQL and Redis. An admin signs in with a TOTP
 * code, creates a course, uploads a PDF (watching the bytes sent, then the indexing reach done),
 * generates, edits and accepts the structure, pre-generates and validates a lesson (opening a
 * citation's passage), publishes, and grants a private curriculum to a group. An expert sees only
 * their own course. axe-core finds no serious or critical violation on the pages visited, and any
 * console error, page error, failed request or error answer fails the test.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { truncateAll } from "@sira/infra/testing";
import { PDFDocument } from "pdf-lib";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { buildTestPdf } from "../../../packages/domain/test/fixtures/pdf.ts";
import { type Stack, startStack } from "../../../test/e2e/processes.ts";
import { closeTestDeps } from "../../api/test/helpers.ts";
import {
  axeViolations,
  type Console,
  codeAt,
  enrolStaff,
  ensureBuilt,
  freePort,
  launchBrowser,
  openPage,
  type Staff,
  screenshot,
  startConsole,
  type Watch,
} from "./harness.ts";

let stack: Stack;
let admin: Staff;
let web: Console;
let browser: Browser;

/**
 * The demo's epidemiology handout, French half, one section per page with bookmarks, carrying a
 * 3 MB attachment of random bytes so that the upload takes long enough to be watched.
 */
async function handoutPdf(): Promise<Uint8Array> {
  const text = readFileSync(
    fileURLToPath(new URL("../../../packages/demo/src/documents/epidemiologie.md", import.meta.url)),
    "utf8",
  );
  const french = text.split(/^# /m)[1] ?? "";
  const sections = french.split(/^## /m).slice(1);
  const pdf = await buildTestPdf({
    title: "Les bases de l'épidémiologie",
    pages: sections.map((section) => {
      const [heading = "", ...body] = section.trim().split("\n");
      return { text: [heading, ...body.filter((line) => line.trim())] };
    }),
    outline: sections.map((section, i) => ({ title: section.split("\n")[0]?.trim() ?? "", page: i + 1 })),
  });
  const doc = await PDFDocument.load(pdf);
  await doc.attach(randomBytes(3_000_000), "annexe.bin", { mimeType: "application/octet-stream" });
  return doc.save();
}

async function api<T>(path: string, as: Staff, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${stack.base}${path}`, {
    ...init,
    headers: { "content-type": "application/json", authorization: `Bearer ${as.accessToken}`, ...(init.headers ?? {}) },
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

async function signIn(page: Page, who: Staff): Promise<void> {
  await page.goto("/");
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel("Adresse e-mail").fill(who.email);
  await page.getByLabel("Code de l'application").fill(await codeAt(who.secret, 1));
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.waitForURL(/\/courses$/);
}

async function accessible(page: Page, name: string): Promise<void> {
  expect([name, await axeViolations(page)]).toEqual([name, []]);
}

function clean(watch: Watch): void {
  expect(watch.problems).toEqual([]);
}

/** Clicks the confirmation dialog's button of that name. */
async function confirm(page: Page, name: string): Promise<void> {
  await page.getByRole("alertdialog").getByRole("button", { name }).click();
}

beforeAll(async () => {
  ensureBuilt();
  await truncateAll(process.env.DATABASE_URL as string);
  const consolePort = await freePort();
  stack = await startStack({ CORS_ORIGINS: `http://127.0.0.1:${consolePort}`, RATE_LIMIT_PER_MINUTE: "100000" });
  web = await startConsole(stack.base, consolePort);
  browser = await launchBrowser();
  admin = await enrolStaff(stack.base, "aminata.sow@console.test", "Aminata Sow");
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await stack?.stop();
  await closeTestDeps();
});

describe("the admin console", () => {
  it("takes an admin from sign-in to a published course in a private curriculum granted to a group", async () => {
    const { page, watch, context } = await openPage(browser, web.origin);
    onTestFailed(() => console.error(watch.problems.join("\n")));
    // 1. Sign in with the code the authenticator shows.
    await page.goto("/sign-in");
    await page.getByRole("heading", { name: "Connexion à la console" }).waitFor();
    await accessible(page, "sign-in");
    await screenshot(page, "sign-in");
    await signIn(page, admin);
    await accessible(page, "courses (empty)");

    // 2. Create a course with both titles and descriptions.
    await page.getByRole("link", { name: "Nouveau cours" }).click();
    await page.getByLabel("Titre (français)").fill("Épidémiologie de terrain");
    await page.getByLabel("Titre (anglais)").fill("Field epidemiology");
    await page.getByLabel("Description (français)").fill("Mesurer, surveiller et investiguer au district sanitaire.");
    await page
      .getByLabel("Description (anglais)")
      .fill("Measuring, surveillance and outbreak investigation in a health district.");
    await accessible(page, "course editor");
    await screenshot(page, "course-new");
    await page.getByRole("button", { name: "Créer le cours" }).click();
    await page.waitForURL(/\/courses\/[0-9a-f-]{36}\/documents$/);
    const courseId = /courses\/([0-9a-f-]{36})/.exec(page.url())?.[1] as string;

    // 3. Upload a PDF: the bar follows the bytes sent (the link is slowed so they take a while),
    //    then the document's status follows the worker until it is indexed.
    const pdf = Buffer.from(await handoutPdf());
    await page
      .locator("#document-file")
      .setInputFiles({ name: "epidemiologie.pdf", mimeType: "application/pdf", buffer: pdf });
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { progressSeen: number[] }).progressSeen = seen;
      new MutationObserver(() => {
        const bar = document.querySelector('[data-testid="upload-progress"] [role="progressbar"]');
        const value = Number(bar?.getAttribute("aria-valuenow"));
        if (bar && seen.at(-1) !== value) seen.push(value);
      }).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ["aria-valuenow"],
      });
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 1_000_000,
    });
    await page.getByRole("button", { name: "Envoyer" }).click();
    const item = page.locator('[data-resource="epidemiologie.pdf"]');
    await item.waitFor({ timeout: 60_000 });
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    const progress = await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
    expect(progress.at(-1)).toBe(100);
    expect(progress.some((v) => v > 0 && v < 100)).toBe(true);
    await item.locator('[data-status="done"]').waitFor({ timeout: 120_000 });
    await accessible(page, "documents");
    await screenshot(page, "documents");

    // 4. Generate the structure, edit the first module's title, accept.
    await page.getByRole("link", { name: "Structure" }).click();
    await page.getByRole("button", { name: "Générer la structure" }).click();
    await page.locator('[data-testid="proposal-status"] [data-status="ready"]').waitFor({ timeout: 120_000 });
    const firstTitle = page.getByLabel("Titre (français)").first();
    await firstTitle.fill("Mesurer la santé d'une population au district");
    await accessible(page, "structure");
    await screenshot(page, "structure");
    await page.getByRole("button", { name: "Accepter la structure" }).click();
    await confirm(page, "Accepter la structure");
    await page.waitForURL(/\/content$/);
    const detail = await api<{ modules: { title_fr: string }[] }>(`/api/v1/courses/${courseId}`, admin);
    expect(detail.body.modules[0]?.title_fr).toBe("Mesurer la santé d'une population au district");

    // 5. Pre-generate the first module's French lessons, open one, open a citation, validate it.
    const firstModule = page.locator("[data-module]").first();
    await firstModule.getByLabel("Quiz").uncheck();
    await firstModule.getByLabel("Cartes mémoire").uncheck();
    await firstModule.getByLabel("Anglais").uncheck();
    await firstModule.getByRole("button", { name: "Pré-générer" }).click();
    await firstModule
      .locator('[data-testid="pregeneration"] [role="progressbar"][aria-valuenow="100"]')
      .waitFor({ timeout: 180_000 });
    const lesson = page.locator('[data-content="lesson"]').first();
    await lesson.waitFor({ timeout: 30_000 });
    await lesson.getByRole("button").first().click();
    await lesson.getByRole("button", { name: "Valider" }).waitFor();
    await lesson.locator("[data-citation]").first().click();
    const passage = page.getByTestId("cited-passage");
    await passage.waitFor();
    await expect.poll(() => passage.textContent()).toContain("epidemiologie.pdf");
    await expect.poll(() => passage.textContent()).toMatch(/page \d/);
    await accessible(page, "citation");
    await screenshot(page, "citation");
    await page.getByRole("dialog").getByRole("button", { name: "Fermer" }).click();
    await lesson.getByRole("button", { name: "Valider" }).click();
    await page.getByText("Contenu validé.").waitFor();
    await lesson.getByRole("button", { name: "Retirer la validation" }).waitFor();
    await accessible(page, "content review");
    await screenshot(page, "content");
    const validated = await api<{ items: { validated: boolean }[] }>(
      `/api/v1/admin/generated-content?course_id=${courseId}&validated=true`,
      admin,
    );
    expect(validated.body.items.length).toBe(1);

    // 6. Publish, after confirming.
    await page.getByRole("button", { name: "Publier" }).click();
    await confirm(page, "Publier");
    await page.locator('h1 ~ div [data-status="published"], [data-status="published"]').first().waitFor();
    expect((await api<{ status: string }>(`/api/v1/admin/courses/${courseId}`, admin)).body.status).toBe("published");

    // 7. A group with a member, then a private curriculum holding the course, granted to the group.
    const learner = await enrolStaff(stack.base, "fatou.ndiaye@console.test", "Fatou Ndiaye");
    await api(`/api/v1/admin/users/${learner.userId}/role`, admin, {
      method: "PUT",
      body: JSON.stringify({ role: "learner" }),
    });
    await page.getByRole("link", { name: "Groupes" }).click();
    await page.getByLabel("Nom").fill("Sages-femmes de Kolda");
    await page.getByRole("button", { name: "Créer" }).click();
    await page.getByText("Groupe créé.").waitFor();
    await page.getByRole("link", { name: "Sages-femmes de Kolda" }).click();
    await page.getByLabel("Adresses e-mail").fill(learner.email);
    await page.getByRole("button", { name: "Ajouter", exact: true }).click();
    await page.getByRole("cell", { name: /Fatou Ndiaye/ }).waitFor();
    await accessible(page, "group");
    await screenshot(page, "group");

    await page.getByRole("link", { name: "Parcours" }).click();
    await page.getByLabel("Titre (français)").fill("Santé maternelle à Kolda");
    await page.getByLabel("Titre (anglais)").fill("Maternal health in Kolda");
    await page.getByRole("button", { name: "Créer" }).click();
    await page.waitForURL(/\/curricula\/[0-9a-f-]{36}$/);
    const curriculumId = /curricula\/([0-9a-f-]{36})/.exec(page.url())?.[1] as string;
    await page.getByLabel("Cours à ajouter").selectOption({ label: "Épidémiologie de terrain" });
    await page.getByRole("button", { name: "Ajouter le cours" }).click();
    await page.locator('[data-sortable="Épidémiologie de terrain"]').waitFor();
    await page.getByLabel("Donner l'accès à").selectOption("group");
    await page.getByLabel("Groupe", { exact: true }).selectOption({ label: "Sages-femmes de Kolda" });
    await page.getByRole("button", { name: "Donner l'accès" }).click();
    await page.locator('[data-grant="Sages-femmes de Kolda"]').waitFor();
    await accessible(page, "curriculum");
    await screenshot(page, "curriculum");
    const curriculum = await api<{
      visibility: string;
      courses: { id: string }[];
      grants: { kind: string; group: { name: string } | null }[];
    }>(`/api/v1/admin/curricula/${curriculumId}`, admin);
    expect(curriculum.body.visibility).toBe("private");
    expect(curriculum.body.courses.map((c) => c.id)).toEqual([courseId]);
    expect(curriculum.body.grants.map((g) => [g.kind, g.group?.name])).toEqual([["group", "Sages-femmes de Kolda"]]);

    // The account page lists this session; the course list at 360 px wide stays usable.
    await page.getByRole("link", { name: "Mon compte" }).click();
    await page.locator('[data-session="current"]').waitFor();
    await accessible(page, "account");
    await screenshot(page, "account");
    await page.getByRole("link", { name: "Cours", exact: true }).click();
    await page.getByRole("link", { name: "Épidémiologie de terrain" }).waitFor();
    await accessible(page, "courses");
    await screenshot(page, "courses");
    await page.setViewportSize({ width: 360, height: 780 });
    await page.getByRole("button", { name: "Menu" }).click();
    await page
      .getByRole("navigation", { name: "Navigation principale" })
      .getByRole("link", { name: "Cours", exact: true })
      .waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await accessible(page, "courses at 360 px");
    await screenshot(page, "courses-360");
    clean(watch);
    await context.close();
  }, 600_000);

  it("shows an expert their own courses only, and another expert's course is not found", async () => {
    const mine = await enrolStaff(stack.base, "ibrahima.kane@console.test", "Ibrahima Kane", { role: "expert", admin });
    const theirs = await enrolStaff(stack.base, "mariama.ba@console.test", "Mariama Ba", { role: "expert", admin });
    const create = (title: string, expertId: string) =>
      api<{ id: string }>("/api/v1/admin/courses", admin, {
        method: "POST",
        body: JSON.stringify({ title_fr: title, title_en: title, expert_id: expertId }),
      });
    const own = await create("Coopératives agricoles", mine.userId);
    const other = await create("Nutrition infantile", theirs.userId);
    expect([own.status, other.status]).toEqual([201, 201]);

    const { page, watch, context } = await openPage(browser, web.origin);
    await signIn(page, mine);
    await page.getByRole("link", { name: "Coopératives agricoles" }).waitFor();
    expect(await page.getByRole("link", { name: "Nutrition infantile" }).count()).toBe(0);
    expect(await page.getByRole("link", { name: "Épidémiologie de terrain" }).count()).toBe(0);
    // Admin pages are not offered to an expert.
    expect(await page.getByRole("link", { name: "Parcours" }).count()).toBe(0);
    await accessible(page, "expert courses");

    watch.expect(/\/trpc\/admin\.courses\.get/, 404);
    await page.goto(`/courses/${other.body.id}`);
    await page.getByText("Ressource introuvable.").waitFor();
    clean(watch);
    await context.close();
  }, 180_000);
});
