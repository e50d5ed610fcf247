/**
 * `pnpm bench:payload`: the bytes a phone downloads, for every learner-facing GET. A scratch
 * database (real migrations, dropped at the end) gets the first-screen catalog (20 bilingual
 * courses) and a learner who enrolls in 10 of them and completes lessons through the API
 * (apps/api/test/first-screen.world.ts, shared with the budget test). One course gets its own
 * document, uploaded and indexed; a real BullMQ worker runs the offline generator, so lessons,
 * decks, quizzes, case studies and audio are made by the product when the learner asks for them.
 *
 * The routes come from the app's own OpenAPI document: every GET a learner (or anyone) may call,
 * i.e. without FORBIDDEN for a role. Each has a budget in gzip bytes (OkHttp, Android's HTTP
 * client, negotiates gzip only unless an app adds brotli, so gzip is what most phones receive);
 * the table prints raw, gzip and brotli bytes and flags any route over its budget, any route
 * without a budget, and any route the state did not reach (not 200). Event streams are measured
 * by `pnpm bench:sse`; binary files are listed with their own budgets. Prints figures; never asserts.
 */
import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { createApp } from "@sira/api";
import { createAppDeps } from "@sira/api/deps";
import { IMAGE_BYTE_BUDGET } from "@sira/contracts";
import { indexResource, indexResourceImages, post, startSession, tokenPair, uploadCourseResource } from "@sira/domain";
import { createLogger, createRedis, parseConfig } from "@sira/infra";
import { createDb } from "@sira/infra/db";
import { ensureDatabase, migrate } from "@sira/infra/migrator";
import { dropDatabase, withDatabase } from "@sira/infra/testing";
import {
  FIRST_SCREEN_COURSES,
  FIRST_SCREEN_PATHS,
  firstScreenLearner,
  INITIAL_WINDOW_BYTES,
  seedFirstScreenCatalog,
  wireBytes,
} from "../apps/api/test/first-screen.world.ts";
import { processors } from "../apps/worker/src/processors.ts";
import { startWorkers, stopWorkers } from "../apps/worker/src/workers.ts";
import { DEMO_CREDIT_PACKAGES, DEMO_SUBSCRIPTION_PLANS } from "../packages/demo/src/content.ts";
import { buildTestPdf } from "../packages/domain/test/fixtures/pdf.ts";

const base = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/sira";
const scratch = `sira_bench_payload_${process.pid}`;
const url = withDatabase(base, scratch);
const migrations = fileURLToPath(new URL("../prisma/migrations", import.meta.url));
const documentPath = new URL("../packages/demo/src/documents/epidemiologie.md", import.meta.url);

const KB = 1024;
const started = performance.now();
/** Progress on stderr, so a slow generation step is visible. */
const stage = (what: string) =>
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${what}\n`);

/** A route's budget in gzip bytes, and why that much. */
interface Budget {
  gzip: number;
  why: string;
}

/** One GET as measured: the concrete path, what it shows, its budget. */
interface Target extends Budget {
  path: string;
  /** What state the answer holds, so a small figure is not mistaken for a small route. */
  state: string;
}

const CARD_LIST: Budget = { gzip: 4 * KB, why: "a list screen: 20 small items" };
const ONE_SCREEN: Budget = { gzip: 2 * KB, why: "one object on one screen" };
const TINY: Budget = { gzip: 1 * KB, why: "a counter or status: under the compression threshold" };

/**
 * The budgets, by OpenAPI path. A route missing here is flagged: a new learner-facing GET must be
 * given a budget. The first screen's three routes also share one initial TCP window (below).
 */
const BUDGETS: Record<string, Budget> = {
  "/api/v1/courses": { gzip: 8 * KB, why: "first screen: 20 course cards with both languages" },
  "/api/v1/dashboard": { gzip: 2 * KB, why: "first screen: 10 courses, next unit, quizzes" },
  "/api/v1/courses/my-enrollments": { gzip: 3 * KB, why: "first screen: 10 enrollments with a course summary" },
  "/api/v1/courses/taxonomy": { gzip: 2 * KB, why: "filter chips: a few dozen labels" },
  "/api/v1/courses/{id_or_slug}": { gzip: 3 * KB, why: "course page: the card and its modules" },
  "/api/v1/curricula": CARD_LIST,
  "/api/v1/curricula/{slug}": { gzip: 6 * KB, why: "a curriculum page: up to a dozen course cards" },
  "/api/v1/auth/sessions": ONE_SCREEN,
  "/api/v1/users/me": ONE_SCREEN,
  "/api/v1/users/me/export": { gzip: 64 * KB, why: "GDPR export: everything the learner owns, asked rarely, on Wi-Fi" },
  "/api/v1/courses/{course_id}/source-images": CARD_LIST,
  "/api/v1/modules/{module_id}/images": CARD_LIST,
  "/api/v1/modules/{module_id}/media": CARD_LIST,
  "/api/v1/modules": { gzip: 4 * KB, why: "a course's modules with progress" },
  "/api/v1/modules/{module_id}": { gzip: 3 * KB, why: "a module's units with progress" },
  "/api/v1/progress": { gzip: 4 * KB, why: "progress sync: the changed units and modules" },
  "/api/v1/modules/{module_id}/lessons/{unit_id}": {
    gzip: 12 * KB,
    why: "a lesson's text (a few thousand words) and its sources",
  },
  "/api/v1/lessons/readings": ONE_SCREEN,
  "/api/v1/modules/{module_id}/case-studies/{unit_id}": { gzip: 8 * KB, why: "a scenario, its data and questions" },
  "/api/v1/lessons/{id}/audio": ONE_SCREEN,
  "/api/v1/modules/{module_id}/quiz": ONE_SCREEN,
  "/api/v1/users/me/placement": ONE_SCREEN,
  "/api/v1/courses/{course_id}/preassessment": ONE_SCREEN,
  "/api/v1/modules/{module_id}/flashcards": { gzip: 8 * KB, why: "a page of 20 cards with their memory state" },
  "/api/v1/flashcards/due": { gzip: 6 * KB, why: "a quick review: 10-20 cards" },
  "/api/v1/tutor/remaining": TINY,
  "/api/v1/tutor/conversations": CARD_LIST,
  "/api/v1/tutor/conversations/{id}": { gzip: 8 * KB, why: "a conversation's messages" },
  "/api/v1/tutor/memory/{course_id}": ONE_SCREEN,
  "/api/v1/credits/balance": TINY,
  "/api/v1/credits/transactions": CARD_LIST,
  "/api/v1/credits/packages": TINY,
  "/api/v1/payments/intents/{id}": ONE_SCREEN,
  "/api/v1/subscriptions/plans": TINY,
  "/api/v1/subscriptions/status": TINY,
};

/** Binary files: their own budgets, in bytes as sent (already compressed media, not re-encoded). */
const FILE_BUDGETS: Record<string, Budget> = {
  "/api/v1/lessons/{id}/audio/sections/{index}": {
    gzip: 256 * KB,
    why: "one spoken section (~1-2 min at 24 kb/s Opus); fetched while the previous one plays",
  },
  "/api/v1/images/{image_id}": {
    gzip: IMAGE_BYTE_BUDGET[640],
    why: "an illustration at 640 px, WebP: the encoder's own budget (decision 0046)",
  },
  "/api/v1/source-images/{id}": { gzip: 120 * KB, why: "a figure from the course document, WebP, on demand" },
  "/api/v1/source-images/{id}/thumbnail": {
    gzip: IMAGE_BYTE_BUDGET[320],
    why: "a 320 px thumbnail in a list: the illustrations' 320 px budget",
  },
  "/api/v1/media/{media_id}/file": { gzip: 2 * 1024 * KB, why: "an expert's attached file, downloaded on demand" },
};

/** min–max of a list of lengths. */
const describe = (lengths: number[]) => `${Math.min(...lengths)}–${Math.max(...lengths)}`;

interface Operation {
  path: string;
  kind: "json" | "stream" | "file";
}

/** Every GET a learner may call, from the app's OpenAPI document. */
async function learnerGets(app: ReturnType<typeof createApp>): Promise<Operation[]> {
  type Responses = Record<string, { description?: string; content?: Record<string, unknown> }>;
  const doc = (await (await app.request("/openapi.json")).json()) as {
    paths: Record<string, { get?: { tags?: string[]; responses: Responses } }>;
  };
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const get = item.get;
    if (!get || get.tags?.includes("health")) continue;
    if (get.responses["403"]?.description?.includes("FORBIDDEN:")) continue;
    const types = Object.keys(get.responses["200"]?.content ?? {});
    const kind = types.includes("application/json")
      ? "json"
      : types.every((t) => t === "text/event-stream")
        ? "stream"
        : "file";
    ops.push({ path, kind });
  }
  return ops;
}

interface Measured {
  target: Target;
  status: number;
  raw: number;
  gzip: number;
  br: number;
}

/** Drops the scratch database; a job the worker was still finishing may reconnect once after its backend is ended. */
async function dropScratch(): Promise<void> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const dropped = await dropDatabase(base, scratch).then(
      () => true,
      (error: unknown) => {
        if (attempt === 5) console.error(`could not drop ${scratch}:`, error);
        return false;
      },
    );
    if (dropped) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function main(): Promise<void> {
  await ensureDatabase(url);
  const config = parseConfig({
    ...process.env,
    DATABASE_URL: url,
    LOG_LEVEL: "silent",
    RATE_LIMIT_PER_MINUTE: "1000000",
    QUEUE_PREFIX: scratch,
  });
  const db = createDb({ url, poolMax: 6 });
  const redis = createRedis(config.REDIS_URL);
  redis.on("error", () => {});
  const logger = createLogger("bench", "silent");
  const closers: (() => Promise<unknown>)[] = [];
  try {
    await migrate(url, migrations);
    stage("migrated");
    const deps = createAppDeps({ config, db, redis, logger });
    const app = createApp(deps);
    const request = (path: string, init?: RequestInit) => app.request(path, init);

    // The catalog, as the back office leaves it, and what the back office adds around it.
    const courses = await seedFirstScreenCatalog(db);
    stage("catalog seeded");
    const first = courses[0] as { id: string; slug: string };
    const firstModule = await db.module.findFirstOrThrow({
      where: { courseId: first.id, moduleNumber: 1 },
      select: { id: true, units: { orderBy: { unitNumber: "asc" }, select: { id: true, unitType: true } } },
    });
    const caseUnit = await db.moduleUnit.create({
      data: {
        moduleId: firstModule.id,
        unitNumber: 6,
        unitType: "case_study",
        titleFr: "Étude de cas",
        titleEn: "Case study",
      },
      select: { id: true },
    });
    for (const k of [0, 1]) {
      await db.curriculum.create({
        data: {
          slug: `parcours-${k + 1}`,
          titleFr: k ? "Parcours : agriculture et revenus" : "Parcours : agent de santé communautaire",
          titleEn: k ? "Track: farming and income" : "Track: community health worker",
          descriptionFr: k
            ? "Produire, conserver et vendre : six cours pour vivre mieux de sa parcelle."
            : "Du premier module à l'évaluation finale : les gestes de l'agent de santé au village.",
          descriptionEn: k
            ? "Grow, store and sell: six courses to earn more from a plot."
            : "From the first module to the final assessment: what a village health worker does.",
          status: "published",
          courses: {
            create: courses.slice(k * 6, k * 6 + 6).map((c, i) => ({ courseId: c.id, sortOrder: i + 1 })),
          },
        },
      });
    }
    await db.creditPackage.createMany({
      data: DEMO_CREDIT_PACKAGES.map((p, i) => ({ ...p, currency: "XOF", sortOrder: i + 1 })),
    });
    await db.subscriptionPlan.createMany({
      data: DEMO_SUBSCRIPTION_PLANS.map((p, i) => ({ ...p, currency: "XOF", sortOrder: i + 1 })),
    });
    const admin = await db.user.create({
      data: {
        email: "admin@bench.sira",
        name: "Admin",
        country: "SN",
        professionalRole: "admin",
        role: "admin",
        status: "active",
      },
    });
    const bytes = new Uint8Array(await readFile(documentPath));
    const resource = await uploadCourseResource(
      deps,
      { userId: admin.id, role: "admin" },
      {
        courseId: first.id,
        filename: "epidemiologie.md",
        content: (async function* () {
          yield bytes;
        })(),
      },
      { requestId: null, ip: null },
    );
    await indexResource(deps, resource.id);
    // A PDF with a figure on a page, whose images the product extracts (source images).
    const atlas = await uploadCourseResource(
      deps,
      { userId: admin.id, role: "admin" },
      {
        courseId: first.id,
        filename: "atlas.pdf",
        content: (async function* () {
          yield await buildTestPdf({
            pages: [
              {
                text: ["Carte des districts sanitaires et taux d'incidence."],
                image: { width: 800, height: 600, seed: 3 },
              },
            ],
          });
        })(),
      },
      { requestId: null, ip: null },
    );
    await indexResourceImages(deps, atlas.id);
    stage("document indexed");
    const workers = startWorkers(processors({ ...deps }), {
      prefix: config.QUEUE_PREFIX,
      redisUrl: config.REDIS_URL,
      logger,
    });
    closers.push(() => stopWorkers(workers, 5_000));

    // The learner: enrollments and lessons through the API.
    const learner = await firstScreenLearner(db, config, request, courses);
    stage("learner enrolled");
    const headers = learner.headers;
    const send = async (method: string, path: string, body?: unknown) => {
      const res = await request(path, {
        method,
        headers: { ...headers, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null };
    };
    /** GETs until the product has made what the route shows (generation runs in the worker). */
    const ready = async (path: string, accept = "application/json"): Promise<number> => {
      let status = 0;
      for (let i = 0; i < 120; i++) {
        const res = await request(path, { headers: { ...headers, accept } });
        status = res.status;
        if (i % 10 === 0) stage(`${path}: ${status}`);
        await res.arrayBuffer();
        if (status === 200 || (status >= 400 && ![409, 423].includes(status))) return status;
        await new Promise((r) => setTimeout(r, 500));
      }
      return status;
    };
    const lessonUnit = firstModule.units.find((u) => u.unitType === "lesson")?.id as string;
    const lessonPath = `/api/v1/modules/${firstModule.id}/lessons/${lessonUnit}`;
    await ready(lessonPath);
    stage("lesson ready");
    await send("PUT", `${lessonPath}/reading`, { read_pct: 40, time_spent_seconds: 300 });
    const lesson = (await send("GET", lessonPath)).body as { id?: string } | null;
    const deckPath = `/api/v1/modules/${firstModule.id}/flashcards`;
    await ready(deckPath);
    stage("deck ready");
    const casePath = `/api/v1/modules/${firstModule.id}/case-studies/${caseUnit.id}`;
    await ready(casePath);
    stage("case study ready");
    const audioPath = `/api/v1/lessons/${lesson?.id}/audio`;
    await ready(audioPath);
    stage("audio ready");
    // A module quiz taken to the end and submitted, so the dashboard shows a score.
    const quizPath = `/api/v1/modules/${firstModule.id}/quiz`;
    await ready(quizPath);
    stage("quiz ready");
    for (let i = 0; i < 30; i++) {
      const state = (await send("GET", quizPath)).body as {
        attempt: { id: string };
        question: { id: string } | null;
        finished: boolean;
      } | null;
      if (!state?.question || state.finished) {
        if (state) await send("POST", `${quizPath}/submit`, { attempt_id: state.attempt.id });
        break;
      }
      await send("POST", `${quizPath}/answer`, {
        attempt_id: state.attempt.id,
        item_id: state.question.id,
        selected_option: i % 4,
        duration_ms: 9000,
      });
    }
    await ready(quizPath);
    // Money: welcome credits as the ledger posts them, a payment intent through the API.
    await db.$transaction((tx) =>
      post(tx, {
        key: "bench:welcome",
        lines: [
          { account: { userId: learner.userId }, type: "adjustment", amount: 500, description: "Welcome credits" },
          { account: { counter: "platform" }, type: "adjustment", amount: -500 },
        ],
      }),
    );
    const pkg = await db.creditPackage.findFirstOrThrow({ select: { id: true } });
    const intent = (await send("POST", "/api/v1/payments/intents", { purpose: "credits", package_id: pkg.id }))
      .body as {
      id?: string;
    } | null;
    await ready("/api/v1/users/me/placement");
    await ready(`/api/v1/courses/${first.id}/preassessment`);

    const audio = (await send("GET", audioPath)).body as { sections?: { url?: string }[] } | null;

    // A tutor question through the API, answered by the offline tutor on the worker.
    const asked = await request("/api/v1/tutor/messages", {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({
        course_id: first.id,
        module_id: firstModule.id,
        message: "Quelle est la différence entre l'incidence et la prévalence ?",
      }),
    });
    await asked.text();
    const conversations = (await send("GET", "/api/v1/tutor/conversations")).body as {
      items?: { id: string }[];
    } | null;
    stage(`tutor asked: ${asked.status}`);

    // What the back office adds to the module: an illustration drawn on the worker, a link and a file.
    const adminMeta = { ip: null, userAgent: "bench", requestId: null, now: new Date() };
    const adminSession = await startSession(db, admin.id, adminMeta, config.REFRESH_TOKEN_TTL_DAYS);
    const adminToken = (await tokenPair({ config, meta: adminMeta }, admin, adminSession)).access_token;
    const asAdmin = { authorization: `Bearer ${adminToken}`, "accept-language": "fr" };
    const mediaBase = `/api/v1/admin/modules/${firstModule.id}`;
    await request(`${mediaBase}/image`, {
      method: "POST",
      headers: { ...asAdmin, "content-type": "application/json" },
      body: JSON.stringify({ language: "fr" }),
    });
    await request(`${mediaBase}/media`, {
      method: "POST",
      headers: { ...asAdmin, "content-type": "application/json" },
      body: JSON.stringify({
        media_type: "video",
        external_url: "https://videos.sira.africa/epidemiologie/incidence.mp4",
        title_fr: "Vidéo : calculer une incidence",
        title_en: "Video: working out an incidence rate",
      }),
    });
    const sectionUrl = audio?.sections?.[0]?.url;
    if (sectionUrl) {
      const ogg = await (await request(sectionUrl, { headers })).arrayBuffer();
      const form = new FormData();
      form.set("title_fr", "Écouter : incidence et prévalence");
      form.set("title_en", "Listen: incidence and prevalence");
      form.set("file", new Blob([ogg], { type: "audio/ogg" }), "incidence.ogg");
      const uploaded = await request(`${mediaBase}/media/upload`, { method: "POST", headers: asAdmin, body: form });
      stage(`media uploaded: ${uploaded.status}`);
    }
    type ImageList = { items?: { url?: string }[] } | null;
    const listImages = async () => (await send("GET", `/api/v1/modules/${firstModule.id}/images`)).body as ImageList;
    let images = await listImages();
    for (let i = 0; i < 60 && !images?.items?.length; i++) {
      await new Promise((r) => setTimeout(r, 500));
      images = await listImages();
    }
    const sourceImages = (await send("GET", `/api/v1/courses/${first.id}/source-images`)).body as {
      items?: { id: string }[];
    } | null;
    const media = (await send("GET", `/api/v1/modules/${firstModule.id}/media`)).body as {
      items?: { id: string; url: string; external_url: string | null }[];
    } | null;

    // Concrete paths for the templates; anything the state does not hold stays a template and is flagged.
    const fill: Record<string, string> = {
      "{id_or_slug}": first.slug,
      "{slug}": "parcours-1",
      "{course_id}": first.id,
      "{module_id}": firstModule.id,
      "{unit_id}": lessonUnit,
      "{id}": "",
    };
    const concrete = (template: string): string => {
      if (template === "/api/v1/modules/{module_id}/case-studies/{unit_id}") return casePath;
      if (template === "/api/v1/lessons/{id}/audio") return audioPath;
      if (template === "/api/v1/payments/intents/{id}") return `/api/v1/payments/intents/${intent?.id}`;
      if (template === "/api/v1/modules") return `/api/v1/modules?course_id=${first.id}`;
      if (template === "/api/v1/lessons/{id}/audio/sections/{index}") return audio?.sections?.[0]?.url ?? template;
      if (template === "/api/v1/images/{image_id}") return images?.items?.[0]?.url ?? template;
      if (template.startsWith("/api/v1/source-images/{id}"))
        return sourceImages?.items?.[0] ? template.replace("{id}", sourceImages.items[0].id) : template;
      if (template === "/api/v1/tutor/conversations/{id}")
        return conversations?.items?.[0] ? `/api/v1/tutor/conversations/${conversations.items[0].id}` : template;
      if (template === "/api/v1/media/{media_id}/file") {
        const file = media?.items?.find((m) => m.url.startsWith("/api/v1/media/"));
        return file?.url ?? template;
      }
      return template.replace(/\{[a-z_]+\}/g, (p) => fill[p] || p);
    };

    const measure = async (target: Target): Promise<Measured> => {
      const get = async (encoding: string) => {
        const res = await request(target.path, {
          headers: { ...headers, accept: "application/json", "accept-encoding": encoding },
        });
        return { status: res.status, size: (await res.arrayBuffer()).byteLength };
      };
      const raw = await get("identity");
      return { target, status: raw.status, raw: raw.size, gzip: (await get("gzip")).size, br: (await get("br")).size };
    };

    stage("state built");
    const ops = await learnerGets(app);
    const rows: Measured[] = [];
    const files: Measured[] = [];
    const streams: string[] = [];
    const unbudgeted: string[] = [];
    for (const op of ops) {
      if (op.kind === "stream") {
        streams.push(op.path);
        continue;
      }
      const budget = (op.kind === "file" ? FILE_BUDGETS : BUDGETS)[op.path];
      if (!budget) {
        unbudgeted.push(op.path);
        continue;
      }
      const path = concrete(op.path);
      const target: Target = { ...budget, path, state: "" };
      if (path.includes("{")) {
        (op.kind === "file" ? files : rows).push({ target, status: 0, raw: 0, gzip: 0, br: 0 });
        continue;
      }
      (op.kind === "file" ? files : rows).push(await measure(target));
    }

    const pad = (v: string | number, n: number) => String(v).padStart(n);
    const line = (label: string, m: Measured, flag: string) =>
      console.log(
        `${label.slice(0, 58).padEnd(58)}${pad(m.status, 5)}${pad(m.raw, 9)}${pad(m.gzip, 8)}${pad(m.br, 8)}${pad(m.target.gzip, 9)}  ${flag}`,
      );
    console.log(
      `Learner-facing GETs (${ops.length} in the OpenAPI document: ${rows.length} JSON measured, ` +
        `${files.length} files, ${streams.length} event streams). Bytes as sent; bodies < 1 KiB are not compressed.`,
    );
    console.log("Budget: gzip bytes (what OkHttp negotiates by default).\n");
    console.log(
      `${"route".padEnd(58)}${pad("HTTP", 5)}${pad("raw", 9)}${pad("gzip", 8)}${pad("br", 8)}${pad("budget", 9)}`,
    );
    let over = 0;
    for (const m of rows) {
      const flag = m.status !== 200 ? "NOT MEASURED (state)" : m.gzip > m.target.gzip ? "OVER BUDGET" : "ok";
      if (flag !== "ok") over += 1;
      line(m.target.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "…"), m, flag);
    }
    console.log("\nBinary files (own budgets, bytes as sent):");
    for (const m of files) {
      const flag =
        m.status !== 200 ? "NOT MEASURED (no such file in the state)" : m.gzip > m.target.gzip ? "OVER BUDGET" : "ok";
      if (flag !== "ok") over += 1;
      line(m.target.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "…"), m, flag);
    }
    console.log(`\nEvent streams (measured by pnpm bench:sse): ${streams.join(", ")}`);
    if (unbudgeted.length) console.log(`\nNO BUDGET (add one to BUDGETS): ${unbudgeted.join(", ")}`);

    // The first screen again, as the window carries it: on a socket, headers included; then once
    // more after the back office lengthens every description (another course's text appended).
    const { port } = await new Promise<AddressInfo>((resolve) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, resolve);
      closers.push(() => new Promise((done) => server.close(done)));
    });
    const served = `http://127.0.0.1:${port}`;
    const firstScreen = async (label: string) => {
      console.log(`  ${label}`);
      for (const coding of ["gzip", "br"] as const) {
        let bodies = 0;
        let wire = 0;
        const parts: string[] = [];
        for (const path of FIRST_SCREEN_PATHS) {
          const bytes = await wireBytes(served, path, { ...headers, "accept-encoding": coding });
          bodies += bytes.body;
          wire += bytes.wire;
          parts.push(`${bytes.body}/${bytes.wire}`);
        }
        const verdict = wire <= INITIAL_WINDOW_BYTES ? "fits" : "OVER";
        console.log(
          `    ${coding.padEnd(5)} bodies ${bodies}, on the wire ${wire} of ${INITIAL_WINDOW_BYTES}: ${verdict}` +
            `   (catalog, dashboard, enrollments: body/wire ${parts.join(", ")})`,
        );
      }
    };
    console.log(
      `\nFirst screen (${FIRST_SCREEN_PATHS.join(" + ")}), 20 catalog courses, 10 enrolled, default queries,` +
        ` against one initial TCP window (${INITIAL_WINDOW_BYTES} bytes; HTTP/1.1, one connection each):`,
    );
    await firstScreen(`descriptions as seeded (${describe(FIRST_SCREEN_COURSES.map((c) => c[2].length))} chars)`);
    // What a client can trim itself: the catalog card in the request's language only (?fields=).
    const card = "id,slug,title,description,cover_image_url,price_credits,estimated_hours,is_enrolled";
    const cardPath = `/api/v1/courses?fields=${card}`;
    const trimmed = await measure({ ...(BUDGETS["/api/v1/courses"] as Budget), path: cardPath, state: "" });
    console.log(
      `  the catalog with ?fields=${card}: raw ${trimmed.raw}, gzip ${trimmed.gzip}, br ${trimmed.br} ` +
        "(the default page above carries both languages)",
    );
    // Text no response holds yet (so compression cannot borrow it): the demo documents' sentences,
    // cut into disjoint pieces of 120 characters or more, one per description.
    const prose = (
      await Promise.all(
        ["epidemiologie.md", "cooperatives.md"].map((f) =>
          readFile(new URL(`../packages/demo/src/documents/${f}`, import.meta.url), "utf8"),
        ),
      )
    )
      .join("\n")
      .split("\n")
      .filter((l) => l.trim() && !l.startsWith("#") && !l.startsWith("|"))
      .join(" ")
      .split(/(?<=[.!?])\s+/);
    const pieces: string[] = [];
    let piece = "";
    for (const sentence of prose) {
      piece = piece ? `${piece} ${sentence}` : sentence;
      if (piece.length >= 120) {
        pieces.push(piece);
        piece = "";
      }
    }
    const lengthened: number[] = [];
    for (const [i, course] of courses.entries()) {
      const own = FIRST_SCREEN_COURSES[i] as (typeof FIRST_SCREEN_COURSES)[number];
      const fr = `${own[2]} ${pieces[(2 * i) % pieces.length]}`;
      const en = `${own[3]} ${pieces[(2 * i + 1) % pieces.length]}`;
      lengthened.push(fr.length);
      const res = await request(`/api/v1/admin/courses/${course.id}`, {
        method: "PATCH",
        headers: { ...asAdmin, "content-type": "application/json" },
        body: JSON.stringify({ description_fr: fr, description_en: en }),
      });
      if (res.status !== 200) throw new Error(`PATCH course: HTTP ${res.status} ${await res.text()}`);
    }
    await firstScreen(
      `descriptions lengthened by the back office with new text (${describe(lengthened)} chars; ` +
        `${pieces.length} pieces for ${2 * courses.length} descriptions)`,
    );
    console.log(`\n${over} route(s) over budget or not measured; ${unbudgeted.length} without a budget.`);
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
    await db.$disconnect();
    redis.disconnect();
    await dropScratch();
  }
}

await main();
// The queues the app opened (getQueue) keep their Redis connections: leave once the figures are out.
process.exit(0);
