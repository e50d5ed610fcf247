/**
 * The admin console in a real browser (Debian's Chromium through playwright-core), built and served
 * by `next start`, against the real API, worker, PostgreSQL and Redis. An admin signs in with a TOTP
 * code, creates a course, uploads a PDF (watching the bytes sent, then the indexing reach done),
 * re-indexes and deletes a second document, generates, edits and accepts the structure,
 * pre-generates, validates and regenerates a lesson (opening a citation's passage), publishes, and
 * grants a private curriculum of two courses, ordered by dragging and by the keyboard, to a group.
 * A second admin works the back office: sessions, the English interface, taxonomy, settings, audit,
 * analytics, and money (packages, an SMS matched to a payment intent and one rejected, a code batch
 * exported as CSV and revoked, a payout paid, a purchase refunded), and picks a course's expert
 * from the directory. An expert sees only their own course. The refresh token is only in an
 * httpOnly, Secure, SameSite=Strict cookie, never in web storage. axe-core finds no serious or
 * critical violation on the pages visited, and any console error, page error, failed request or
 * error answer fails the test.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { signRelayBody } from "@sira/domain";
import { truncateAll } from "@sira/infra/testing";
import { PDFDocument } from "pdf-lib";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { makeCourse } from "../../../packages/domain/test/content/fixtures.ts";
import { buildTestPdf } from "../../../packages/domain/test/fixtures/pdf.ts";
import { type Stack, startStack } from "../../../test/e2e/processes.ts";
import type { AppDeps } from "../../api/src/app-types.ts";
import { closeTestDeps, type SignedIn, signIn as signInForApi, testDeps } from "../../api/test/helpers.ts";
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
let deps: AppDeps;

const RELAY_SECRET = "console-relay-secret-0123456789abcdef";
const REFRESH_COOKIE = "__Secure-sira-admin-refresh";

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

async function api<T>(
  path: string,
  as: Staff | SignedIn,
  init: RequestInit = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${stack.base}${path}`, {
    ...init,
    headers: { "content-type": "application/json", authorization: `Bearer ${as.accessToken}`, ...(init.headers ?? {}) },
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** Signs in as the sign-in page asks; answers the access token the console's route handed the page. */
async function signIn(page: Page, who: Staff): Promise<string> {
  await page.goto("/");
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel("Adresse e-mail").fill(who.email);
  await page.getByLabel("Code de l'application").fill(await codeAt(who.secret, 1));
  const login = page.waitForResponse((r) => r.url().endsWith("/api/auth/login"));
  await page.getByRole("button", { name: "Se connecter" }).click();
  const answer = (await (await login).json()) as { access_token: string; refresh_token?: string };
  expect(answer.refresh_token).toBeUndefined();
  await page.waitForURL(/\/courses$/);
  return answer.access_token;
}

/**
 * The refresh token lives only in the console's cookie (httpOnly, Secure, SameSite=Strict, on the
 * auth routes' path); neither it nor the access token is in localStorage or sessionStorage.
 */
async function tokensKeptRight(context: BrowserContext, page: Page, accessToken: string): Promise<void> {
  const cookies = await context.cookies();
  const refresh = cookies.find((c) => c.name === REFRESH_COOKIE);
  expect(refresh).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict", path: "/api/auth" });
  expect(cookies.filter((c) => c.value === refresh?.value).map((c) => c.name)).toEqual([REFRESH_COOKIE]);
  const stored = await page.evaluate(() =>
    [localStorage, sessionStorage].flatMap((storage) =>
      Object.keys(storage).map((key) => `${key}=${storage.getItem(key)}`),
    ),
  );
  for (const entry of stored) {
    expect(entry).not.toMatch(/token/i);
    expect(entry).not.toContain(accessToken);
    expect(entry).not.toContain(refresh?.value);
  }
  expect(await page.evaluate(() => document.cookie)).not.toContain(refresh?.value);
}

/** Drags the handle of `from` onto the row of `to` with the mouse, as dnd-kit's pointer sensor expects. */
async function drag(page: Page, from: string, to: string): Promise<void> {
  const handle = page.getByRole("button", { name: `Déplacer « ${from} »` });
  const target = page.locator(`[data-sortable="${to}"]`);
  const a = await handle.boundingBox();
  const b = await target.boundingBox();
  if (!a || !b) throw new Error("the rows to drag are not on screen");
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2 + 8, { steps: 4 });
  await page.mouse.move(a.x + a.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.move(a.x + a.width / 2, b.y + b.height / 4, { steps: 4 });
  await page.mouse.up();
}

/** What the merchant's relay phone posts for one received SMS, signed. */
async function relaySms(messageId: string, body: string): Promise<{ id: string; status: string }> {
  const raw = JSON.stringify({
    message_id: messageId,
    sender: "OrangeMoney",
    body,
    received_at: new Date().toISOString(),
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const res = await fetch(`${stack.base}/api/v1/sms-relay/inbound`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-relay-device": "caisse-kolda",
      "x-relay-timestamp": timestamp,
      "x-relay-signature": signRelayBody(RELAY_SECRET, timestamp, raw),
    },
    body: raw,
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { id: string; status: string };
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
  stack = await startStack({
    CORS_ORIGINS: `http://127.0.0.1:${consolePort}`,
    RATE_LIMIT_PER_MINUTE: "100000",
    SMS_RELAY_HMAC_SECRET: RELAY_SECRET,
  });
  deps = testDeps();
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
  it("lets its pages call only its own origin and the API it was started with", async () => {
    // The API's port is picked by this run, after the console was built: the policy is written at run time.
    for (const path of ["/sign-in", "/courses"]) {
      const csp = (await fetch(`${web.origin}${path}`, { redirect: "manual" })).headers.get("content-security-policy");
      const connect = csp?.split(";").find((d) => d.trim().startsWith("connect-src"));
      expect(connect?.trim()).toBe(`connect-src 'self' ${new URL(stack.base).origin}`);
      expect(csp).toContain("frame-ancestors 'none'");
    }
  });

  it("takes an admin from sign-in to a published course in a private curriculum granted to a group", async () => {
    const { page, watch, context } = await openPage(browser, web.origin);
    onTestFailed(() => console.error(watch.problems.join("\n")));
    // 1. Sign in with the code the authenticator shows.
    await page.goto("/sign-in");
    await page.getByRole("heading", { name: "Connexion à la console" }).waitFor();
    await accessible(page, "sign-in");
    await screenshot(page, "sign-in");
    const accessToken = await signIn(page, admin);
    await tokensKeptRight(context, page, accessToken);
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

    // A second, small document: indexed, indexed again, then deleted.
    const notes = await buildTestPdf({
      title: "Notes de terrain",
      pages: [{ text: ["Notes de terrain", "La surveillance hebdomadaire des cas de rougeole au district."] }],
    });
    await page
      .locator("#document-file")
      .setInputFiles({ name: "notes.pdf", mimeType: "application/pdf", buffer: Buffer.from(notes) });
    await page.getByRole("button", { name: "Envoyer" }).click();
    const second = page.locator('[data-resource="notes.pdf"]');
    await second.locator('[data-status="done"]').waitFor({ timeout: 60_000 });
    type Resource = { id: string; filename: string; indexed_at: string | null; index_status: string };
    const resources = () =>
      api<{ items: Resource[] }>(`/api/v1/admin/courses/${courseId}/resources`, admin).then((r) => r.body.items);
    const notesBefore = (await resources()).find((r) => r.filename === "notes.pdf") as Resource;
    await second.getByRole("button", { name: "Réindexer" }).click();
    await page.getByText("Réindexation demandée.").waitFor();
    const reindexed = async () => {
      const now = (await resources()).find((r) => r.id === notesBefore.id);
      return now?.index_status === "done" && now.indexed_at !== notesBefore.indexed_at;
    };
    await expect.poll(reindexed, { timeout: 60_000 }).toBe(true);
    await second.locator('[data-status="done"]').waitFor();
    await accessible(page, "documents");
    await screenshot(page, "documents");
    await second.getByRole("button", { name: "Supprimer" }).click();
    await confirm(page, "Supprimer");
    await page.getByText("Document supprimé.").waitFor();
    await second.waitFor({ state: "detached" });
    expect((await resources()).map((r) => r.filename)).toEqual(["epidemiologie.pdf"]);

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

    // Regenerate it: the new version replaces it, to be read again.
    await lesson.getByRole("button", { name: "Régénérer" }).click();
    await page.getByText("Régénération demandée : la nouvelle version remplacera celle-ci.").waitFor();
    await expect
      .poll(
        async () =>
          (
            await api<{ items: { version: number; validated: boolean }[] }>(
              `/api/v1/admin/generated-content?course_id=${courseId}&content_type=lesson`,
              admin,
            )
          ).body.items.filter((i) => i.version === 2),
        { timeout: 60_000 },
      )
      .toEqual([expect.objectContaining({ version: 2, validated: false })]);
    await page.reload();
    await page.locator('[data-content="lesson"]').filter({ hasText: "v2" }).waitFor();

    // 6. Publish, after confirming.
    await page.getByRole("button", { name: "Publier" }).click();
    await confirm(page, "Publier");
    await page.locator('h1 ~ div [data-status="published"], [data-status="published"]').first().waitFor();
    expect((await api<{ status: string }>(`/api/v1/admin/courses/${courseId}`, admin)).body.status).toBe("published");

    // 7. A group with a member, then a private curriculum holding the course and another, granted to the group.
    const otherCourse = await makeCourse(deps.db, {});
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
    // Two courses in the curriculum, then ordered by dragging and with the keyboard.
    for (const label of ["Épidémiologie de terrain", "Économie de marché"]) {
      await page.getByLabel("Cours à ajouter").selectOption({ label });
      await page.getByRole("button", { name: "Ajouter le cours" }).click();
      await page.locator(`[data-sortable="${label}"]`).waitFor();
    }
    const order = async () =>
      (await api<{ courses: { id: string }[] }>(`/api/v1/admin/curricula/${curriculumId}`, admin)).body.courses.map(
        (c) => c.id,
      );
    await expect.poll(order).toEqual([courseId, otherCourse.courseId]);
    await drag(page, "Économie de marché", "Épidémiologie de terrain");
    await expect.poll(order).toEqual([otherCourse.courseId, courseId]);
    await page.getByText("Ordre des cours enregistré.").first().waitFor();
    // The keyboard: space lifts the row, an arrow moves it, space drops it.
    const handle = page.getByRole("button", { name: "Déplacer « Économie de marché »" });
    const announced = page.locator('[id^="DndLiveRegion"]');
    await handle.focus();
    await page.keyboard.press("Space");
    await page.getByRole("button", { name: "Déplacer « Économie de marché »", pressed: true }).waitFor();
    await page.keyboard.press("ArrowDown");
    await announced.filter({ hasText: `was moved over droppable area ${courseId}` }).waitFor();
    await page.keyboard.press("Space");
    await expect.poll(order).toEqual([courseId, otherCourse.courseId]);
    expect(
      await page.locator("[data-sortable]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-sortable"))),
    ).toEqual(["Épidémiologie de terrain", "Économie de marché"]);

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
    expect(curriculum.body.courses.map((c) => c.id)).toEqual([courseId, otherCourse.courseId]);
    expect(curriculum.body.grants.map((g) => [g.kind, g.group?.name])).toEqual([["group", "Sages-femmes de Kolda"]]);

    // More grants than the 100 the detail embeds, made as an admin makes them: the list pages
    // through all of them (oldest first), and a grant older than the newest 100 is revoked.
    const relays = Array.from({ length: 101 }, (_, i) => `Relais ${String(i + 1).padStart(3, "0")}`);
    const relayIds = await Promise.all(
      relays.map(
        async (name) =>
          (await api<{ id: string }>("/api/v1/admin/groups", admin, { method: "POST", body: JSON.stringify({ name }) }))
            .body.id,
      ),
    );
    for (const group_id of relayIds) {
      const granted = await api(`/api/v1/admin/curricula/${curriculumId}/access`, admin, {
        method: "POST",
        body: JSON.stringify({ group_id }),
      });
      expect(granted.status).toBe(200);
    }
    const embedded = await api<{ grant_count: number; grants: { group: { name: string } | null }[] }>(
      `/api/v1/admin/curricula/${curriculumId}`,
      admin,
    );
    expect(embedded.body.grant_count).toBe(102);
    expect(embedded.body.grants.map((g) => g.group?.name)).not.toContain("Relais 001");
    const shownGrants = () =>
      page.locator("[data-grant]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-grant")));
    const pager = page.getByRole("navigation", { name: /^Accès \d+ à \d+ sur \d+$/ });
    await page.reload();
    await page.getByRole("navigation", { name: "Accès 1 à 20 sur 102" }).waitFor();
    expect(await shownGrants()).toEqual(["Sages-femmes de Kolda", ...relays.slice(0, 19)]);
    for (let to = 40; to <= 100; to += 20) {
      await pager.getByRole("button", { name: "Suivant" }).click();
      await page.getByRole("navigation", { name: `Accès ${to - 19} à ${to} sur 102` }).waitFor();
    }
    await pager.getByRole("button", { name: "Suivant" }).click();
    await page.getByRole("navigation", { name: "Accès 101 à 102 sur 102" }).waitFor();
    expect(await shownGrants()).toEqual(relays.slice(99));
    expect(await pager.getByRole("button", { name: "Suivant" }).isDisabled()).toBe(true);
    await accessible(page, "curriculum grants, last page");
    await page.reload();
    await page.locator('[data-grant="Relais 001"]').getByRole("button", { name: "Retirer l'accès" }).click();
    await confirm(page, "Retirer l'accès");
    await page.getByRole("navigation", { name: "Accès 1 à 20 sur 101" }).waitFor();
    expect(await shownGrants()).toEqual(["Sages-femmes de Kolda", ...relays.slice(1, 20)]);
    const left = await api<{ total: number; items: { group: { name: string } | null }[] }>(
      `/api/v1/admin/curricula/${curriculumId}/access?limit=100`,
      admin,
    );
    expect(left.body.total).toBe(101);
    expect(left.body.items.map((g) => g.group?.name)).not.toContain("Relais 001");

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

  it("lets a second admin run the back office: sessions, English, settings, audit, analytics and money", async () => {
    const treasurer = await enrolStaff(stack.base, "khady.fall@console.test", "Khady Fall");
    const { page, watch, context } = await openPage(browser, web.origin);
    onTestFailed(() => console.error(watch.problems.join("\n")));
    const accessToken = await signIn(page, treasurer);
    await tokensKeptRight(context, page, accessToken);

    // The English interface, then back to French.
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { level: 1, name: "Courses" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    await accessible(page, "courses in English");
    await page.getByRole("button", { name: "Français" }).click();
    await page.getByRole("heading", { level: 1, name: "Cours" }).waitFor();

    // The enrolment's own session (made by the API call that confirmed the authenticator) is ended here.
    await page.getByRole("link", { name: "Mon compte" }).click();
    const other = page.locator('[data-session="other"]');
    await other.waitFor();
    await other.getByRole("button", { name: "Fermer la session" }).click();
    await confirm(page, "Fermer la session");
    await page.getByText("Session fermée.").waitFor();
    await other.waitFor({ state: "detached" });
    expect((await api("/api/v1/users/me", treasurer)).status).toBe(401);

    // The back office's other pages, each checked by axe and pictured.
    for (const [link, heading, name] of [
      ["Taxonomie", "Taxonomie", "taxonomy"],
      ["Réglages", "Réglages de la plateforme", "settings"],
      ["Journal d'audit", "Journal d'audit", "audit"],
      ["Statistiques", "Statistiques", "analytics"],
    ] as const) {
      await page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: link }).click();
      await page.getByRole("heading", { level: 1, name: heading }).waitFor();
      await page.getByText("Chargement…").first().waitFor({ state: "detached" });
      await accessible(page, name);
      await screenshot(page, name);
    }

    // A course's owning expert is picked from the directory, with its price and marketplace flag.
    const expert = await signInForApi(deps, {
      role: "expert",
      name: "Ousmane Diop",
      email: "ousmane.diop@console.test",
    });
    const learner = await signInForApi(deps, { role: "learner", name: "Awa Sarr", email: "awa.sarr@console.test" });
    const sold = await makeCourse(deps.db, {});
    await page.goto(`/courses/${sold.courseId}`);
    await page.getByLabel("Titre (français)").fill("Gestion d'une pharmacie de district");
    await page.getByLabel("Rechercher un expert").fill("diop");
    const picker = page.getByLabel("Expert responsable");
    await picker.locator("option", { hasText: "Ousmane Diop" }).waitFor({ state: "attached" });
    await picker.selectOption({ label: "Ousmane Diop · ousmane.diop@console.test" });
    await page.getByLabel("Prix (crédits)").fill("300");
    await page.getByLabel("Vendu sur la place de marché").check();
    await accessible(page, "course editor with the expert picker");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await page.getByText("Cours enregistré.").waitFor();
    const course = await api<{ expert_id: string; price_credits: number; is_marketplace: boolean }>(
      `/api/v1/admin/courses/${sold.courseId}`,
      admin,
    );
    expect(course.body).toMatchObject({ expert_id: expert.userId, price_credits: 300, is_marketplace: true });

    // Packages and plans: one package made, a second with the same slug refused in French, one edited.
    await page.getByRole("link", { name: "Paiements" }).click();
    await page.getByRole("link", { name: "Forfaits et abonnements" }).click();
    await page.getByText("Nouveau forfait").click();
    const createPackage = async () => {
      await page.getByLabel("Identifiant (slug)").first().fill("pack-5000");
      await page.getByLabel("Nom (français)").first().fill("Pack découverte");
      await page.getByLabel("Nom (anglais)").first().fill("Starter pack");
      await page.getByLabel("Crédits", { exact: true }).first().fill("1000");
      await page.getByLabel("Crédits offerts").first().fill("100");
      await page.getByLabel("Prix", { exact: true }).first().fill("5000");
      await page.getByRole("button", { name: "Créer" }).first().click();
    };
    await createPackage();
    await page.getByText("Forfait créé.").waitFor();
    await page.locator('[data-offer="pack-5000"]').waitFor();
    watch.expect(/admin\.money\.createPackage/, 409);
    await createPackage();
    await page
      .locator('[data-notice="error"]')
      .filter({ hasText: "La ressource est dans un état incompatible." })
      .waitFor();
    const row = page.locator('[data-offer="pack-5000"]');
    await row.getByRole("button", { name: "Modifier" }).click();
    const editor = page.getByRole("dialog");
    await editor.getByLabel("Crédits offerts").fill("150");
    await editor.getByRole("button", { name: "Enregistrer" }).click();
    await page.getByText("Modifications enregistrées.").waitFor();
    await row.getByText("1000 + 150").waitFor();
    await accessible(page, "packages and plans");
    await screenshot(page, "payments-offers");
    const packs = await api<{ items: { id: string; slug: string; bonus_credits: number }[] }>(
      "/api/v1/admin/credit-packages",
      admin,
    );
    const pack = packs.body.items.find((p) => p.slug === "pack-5000");
    expect(pack?.bonus_credits).toBe(150);

    // The learner pays 5,000 FCFA but mistypes the reference: the SMS waits in the inbox, and the
    // admin settles the learner's intent with it. A payment nobody asked for is rejected.
    const intent = await api<{ id: string; reference: string }>("/api/v1/payments/intents", learner, {
      method: "POST",
      body: JSON.stringify({ purpose: "credits", package_id: pack?.id }),
    });
    expect(intent.status).toBe(201);
    const paid = await relaySms(
      "sms-kolda-1",
      "Vous avez reçu un transfert de 5000 FCFA du 771234567. Ref: CI240518.1532.A12345. Motif: K7M4QH. Nouveau solde: 125 000 FCFA.",
    );
    const stray = await relaySms(
      "sms-kolda-2",
      "Vous avez reçu un transfert de 7000 FCFA du 779876543. Ref: CI240518.1533.B67890. Motif: loyer. Nouveau solde: 132 000 FCFA.",
    );
    expect([paid.status, stray.status]).toEqual(["review", "review"]);
    await page.getByRole("link", { name: "Boîte SMS" }).click();
    const sms = page.locator('[data-sms="CI240518.1532.A12345"]');
    const strayRow = page.locator('[data-sms="CI240518.1533.B67890"]');
    await strayRow.waitFor();
    await accessible(page, "SMS inbox");
    await screenshot(page, "payments-sms");
    await sms.getByRole("button", { name: "Rapprocher" }).click();
    const sheet = page.getByRole("dialog");
    await sheet.getByLabel("Référence donnée par l'apprenant").fill(intent.body.reference.slice(0, 3));
    const candidate = sheet.locator(`[data-intent="${intent.body.reference}"]`);
    await candidate.getByText("Awa Sarr").waitFor();
    await accessible(page, "SMS matching");
    await screenshot(page, "payments-sms-match");
    await candidate.getByRole("button", { name: `Régler ${intent.body.reference}` }).click();
    await confirm(page, "Régler l'intention");
    await page.getByText("SMS rapproché : le paiement est enregistré et livré.").waitFor();
    await sms.waitFor({ state: "detached" });
    const balance = await api<{ balance: number }>("/api/v1/credits/balance", learner);
    expect(balance.body.balance).toBe(1150);

    await strayRow.getByRole("button", { name: "Rejeter" }).click();
    const reject = page.getByRole("dialog");
    await reject.getByLabel("Motif du rejet").fill("x");
    await reject.getByRole("button", { name: "Rejeter le SMS" }).click();
    await reject
      .locator("[data-field-error]")
      .filter({ hasText: /caractères/ })
      .waitFor();
    await reject.getByLabel("Motif du rejet").fill("Loyer personnel du gérant, pas un achat.");
    await reject.getByRole("button", { name: "Rejeter le SMS" }).click();
    await page.getByText("SMS rejeté.").waitFor();
    await strayRow.waitFor({ state: "detached" });

    // The payment is listed, confirmed.
    await page.getByRole("link", { name: "Paiements", exact: true }).last().click();
    await page.locator('[data-payment="CI240518.1532.A12345"]').getByText("confirmé").waitFor();
    await accessible(page, "payments");
    await screenshot(page, "payments");

    // Codes: a batch made after a confirmation, its CSV downloaded, then revoked.
    await page.getByRole("link", { name: "Codes d'activation" }).click();
    await page.getByLabel("Crédits par code").fill("200");
    await page.getByLabel("Nombre de codes").fill("3");
    await page.getByLabel("Libellé du lot").fill("Journée de Kolda");
    await page.getByRole("button", { name: "Créer les codes" }).click();
    await page.getByRole("alertdialog").getByText("3 codes « Journée de Kolda » donnant chacun 200 crédits.").waitFor();
    await confirm(page, "Créer les codes");
    await page.getByText("Lot créé : 3 codes.").waitFor();
    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Télécharger le CSV (3 codes)" }).click();
    const csv = readFileSync((await (await download).path()) as string, "utf8").split("\r\n");
    expect(csv[0]).toBe("code,kind,value,expires_at,batch_label");
    expect(csv.slice(1, 4).map((line) => line.split(",").slice(1).join(","))).toEqual([
      "credits,200 credits,,Journée de Kolda",
      "credits,200 credits,,Journée de Kolda",
      "credits,200 credits,,Journée de Kolda",
    ]);
    const shown = await page.getByTestId("created-batch").locator("td").allTextContents();
    expect(shown).toEqual(csv.slice(1, 4).map((line) => line.split(",")[0]));
    await accessible(page, "activation codes");
    await screenshot(page, "payments-codes");
    const batch = page.locator('[data-batch="Journée de Kolda"]');
    await batch.getByRole("button", { name: "Révoquer" }).click();
    await confirm(page, "Révoquer");
    await page.getByText("Lot révoqué.").waitFor();
    await batch.getByText("révoqué").waitFor();

    // The learner buys the course; its expert asks for a payout, which is paid; the purchase is refunded.
    const bought = await api(`/api/v1/courses/${sold.courseId}/purchase`, learner, { method: "POST", body: "{}" });
    expect(bought.status).toBe(200);
    const asked = await api<{ id: string }>("/api/v1/expert/payouts", expert, {
      method: "POST",
      body: JSON.stringify({ credits: 100, provider: "wave", phone: "770001122" }),
    });
    expect(asked.status).toBe(201);
    await page.getByRole("link", { name: "Versements" }).click();
    const payout = page.locator('[data-payout="770001122"]');
    await payout.getByText("Ousmane Diop").waitFor();
    await accessible(page, "payouts");
    await screenshot(page, "payments-payouts");
    await payout.getByRole("button", { name: "Marquer payé" }).click();
    const paidDialog = page.getByRole("dialog");
    await paidDialog.getByText(/Confirmez avoir envoyé à Ousmane Diop ce versement au \S*770001122 \(Wave\)/).waitFor();
    await paidDialog.getByLabel("Référence de la transaction chez l'opérateur").fill("T_5JQK2ZP3XH4A");
    await paidDialog.getByRole("button", { name: "Confirmer le paiement" }).click();
    await page.getByText("Versement marqué payé.").waitFor();
    await payout.waitFor({ state: "detached" });
    const payouts = await api<{ items: { status: string; operator_reference: string }[] }>(
      "/api/v1/admin/payouts",
      admin,
    );
    expect(payouts.body.items.map((p) => [p.status, p.operator_reference])).toEqual([["paid", "T_5JQK2ZP3XH4A"]]);

    await page.getByRole("link", { name: "Remboursements" }).click();
    const purchase = page.locator('[data-purchase="Gestion d\'une pharmacie de district"]');
    await purchase.waitFor();
    await accessible(page, "refunds");
    await screenshot(page, "payments-refunds");
    await purchase.getByRole("button", { name: "Rembourser" }).click();
    await page
      .getByRole("alertdialog")
      .getByText(/Awa Sarr récupère 300 crédits/)
      .waitFor();
    await confirm(page, "Rembourser");
    await page.getByText("Remboursé : 300 crédits rendus.").waitFor();
    await purchase.getByText(/remboursé le/).waitFor();
    expect((await api<{ balance: number }>("/api/v1/credits/balance", learner)).body.balance).toBe(1150);
    const books = await api<{ balanced: boolean }>("/api/v1/admin/ledger/reconciliation", admin);
    expect(books.body.balanced).toBe(true);

    // At 360 px the tabs and tables scroll inside the page, which itself stays 360 px wide.
    await page.setViewportSize({ width: 360, height: 780 });
    await page.getByRole("link", { name: "Boîte SMS" }).click();
    await page.getByRole("heading", { level: 2, name: "Boîte SMS du relais" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await accessible(page, "SMS inbox at 360 px");
    clean(watch);
    await context.close();
  }, 300_000);
});
