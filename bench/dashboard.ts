/**
 * `pnpm bench:dashboard`: what GET /api/v1/dashboard costs. Seeds a learner in a scratch database
 * (real migrations, dropped at the end) with 5 enrollments, progress, 10,000 flashcards with review
 * states and 20 submitted quizzes, then prints: SQL statements on a cold build, latency under
 * concurrent load (autocannon on the real app served on a port) with a warm cache and with every
 * request missing the cache, payload bytes (raw / gzip / br), and the time to pick due cards for
 * quick review over the 10,000 cards. It prints figures; it never asserts anything.
 */
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { createApp } from "@sira/api";
import { createAppDeps } from "@sira/api/deps";
import { invalidateDashboard, markUnitCompleted, quickReview, startSession, tokenPair } from "@sira/domain";
import { createLogger, createRedis, parseConfig, type Redis } from "@sira/infra";
import { createDb, type Db } from "@sira/infra/db";
import { ensureDatabase, migrate } from "@sira/infra/migrator";
import { dropDatabase, withDatabase } from "@sira/infra/testing";
import autocannon from "autocannon";

const COURSES = 5;
const MODULES = 4;
const CARDS = 10_000;
const base = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/sira";
const scratch = `sira_bench_dashboard_${process.pid}`;
const url = withDatabase(base, scratch);
const migrations = fileURLToPath(new URL("../prisma/migrations", import.meta.url));

async function seed(db: Db): Promise<{ userId: string }> {
  const user = await db.user.create({
    data: {
      email: "bench-learner@example.org",
      name: "Mariam Koné",
      country: "ML",
      professionalRole: "nurse",
      status: "active",
      streakDays: 4,
      lastActive: new Date(),
    },
  });
  const moduleIds: string[] = [];
  for (let c = 0; c < COURSES; c++) {
    const course = await db.course.create({
      data: {
        slug: `cours-${c + 1}`,
        titleFr: `Santé communautaire ${c + 1}`,
        titleEn: `Community health ${c + 1}`,
        descriptionFr: "Prévention et soins.",
        descriptionEn: "Prevention and care.",
        status: "published",
        creationStep: "published",
        moduleCount: MODULES,
      },
    });
    for (let m = 0; m < MODULES; m++) {
      const mod = await db.module.create({
        data: {
          courseId: course.id,
          moduleNumber: m + 1,
          level: 1,
          titleFr: `Module ${m + 1} : l'hygiène au quotidien`,
          titleEn: `Module ${m + 1}: everyday hygiene`,
          descriptionFr: "Laver, protéger, prévenir.",
          descriptionEn: "Wash, protect, prevent.",
          estimatedHours: 2,
          bloomLevel: "apply",
          units: {
            create: ["lesson", "lesson", "lesson", "flashcards", "quiz"].map((unitType, u) => ({
              unitNumber: u + 1,
              unitType,
              titleFr: `Unité ${u + 1}`,
              titleEn: `Unit ${u + 1}`,
            })),
          },
        },
      });
      moduleIds.push(mod.id);
    }
    await db.userCourseEnrollment.create({ data: { userId: user.id, courseId: course.id } });
  }
  // Some progress: two lessons of each course's first module.
  const firstUnits = await db.moduleUnit.findMany({
    where: { module: { moduleNumber: 1 }, unitNumber: { in: [1, 2] } },
    select: { id: true },
  });
  for (const u of firstUnits) await markUnitCompleted(db, { userId: user.id, unitId: u.id, at: new Date() });
  const perModule = CARDS / moduleIds.length;
  const cards = moduleIds.flatMap((moduleId) =>
    Array.from({ length: perModule }, (_, i) => ({
      moduleId,
      conceptKey: `concept-${i}`,
      termFr: `terme ${i}`,
      definitionFr: "définition",
      definitionEn: "definition",
      position: i,
    })),
  );
  await db.flashcard.createMany({ data: cards });
  const ids = await db.flashcard.findMany({ select: { id: true } });
  const now = Date.now();
  const day = 86_400_000;
  await db.flashcardReview.createMany({
    data: ids.map((c, i) => ({
      userId: user.id,
      cardId: c.id,
      // Spread over ±30 days: about half are due.
      due: new Date(now + ((i % 61) - 30) * day),
      stability: 1 + (i % 40),
      difficulty: 3 + (i % 5),
      reps: 1 + (i % 7),
      state: "review",
      lastReview: new Date(now - (i % 20) * day),
    })),
  });
  await db.quizAttempt.createMany({
    data: Array.from({ length: 20 }, (_, i) => ({
      userId: user.id,
      moduleId: moduleIds[i % moduleIds.length] as string,
      kind: "formative",
      status: "submitted",
      language: "fr",
      maxItems: 10,
      itemCount: 10,
      correctCount: 6 + (i % 4),
      score: 60 + (i % 4) * 10,
      submittedAt: new Date(now - i * 3_600_000),
    })),
  });
  return { userId: user.id };
}

/** A Redis whose dashboard cache never hits, for the cold-cache load run. */
function missingCache(redis: Redis): Redis {
  return new Proxy(redis, {
    get(target, prop, receiver) {
      if (prop === "mget") return async (...keys: string[]) => keys.map(() => null);
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function load(app: ReturnType<typeof createApp>, token: string, label: string): Promise<void> {
  let server: ReturnType<typeof serve> | undefined;
  const { port } = await new Promise<AddressInfo>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, resolve);
  });
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/api/v1/dashboard`,
    connections: 20,
    duration: 5,
    headers: { authorization: `Bearer ${token}`, "accept-encoding": "br" },
  });
  console.log(
    `${label.padEnd(30)} ${String(Math.round(result.requests.average)).padStart(7)} req/s   p50 ${result.latency.p50} ms   p99 ${result.latency.p99} ms   non-2xx ${result.non2xx}`,
  );
  await new Promise<void>((done) => server?.close(() => done()));
}

async function main(): Promise<void> {
  await ensureDatabase(url);
  const config = parseConfig({
    ...process.env,
    DATABASE_URL: url,
    LOG_LEVEL: "silent",
    RATE_LIMIT_PER_MINUTE: "10000000",
  });
  const db = createDb({ url, poolMax: 10, logQueries: true });
  const redis = createRedis(config.REDIS_URL);
  redis.on("error", () => {});
  try {
    await migrate(url, migrations);
    const { userId } = await seed(db);
    const logger = createLogger("bench", "silent");
    const deps = createAppDeps({ config, db, redis, logger });
    const app = createApp(deps);
    const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
    const session = await startSession(
      db,
      userId,
      { ip: null, userAgent: "bench", requestId: null, now: new Date() },
      30,
    );
    const { access_token: token } = await tokenPair(
      { config, meta: { ip: null, userAgent: "bench", requestId: null, now: new Date() } },
      user,
      session,
    );
    const headers = { authorization: `Bearer ${token}`, "accept-language": "fr" };

    let statements = 0;
    (db as unknown as { $on(e: "query", cb: () => void): void }).$on("query", () => {
      statements += 1;
    });
    await invalidateDashboard(redis, userId);
    await app.request("/api/v1/dashboard", { headers });
    const cold = statements;
    statements = 0;
    await app.request("/api/v1/dashboard", { headers });
    console.log(`Dashboard for a learner with ${COURSES} enrollments, ${CARDS} cards with review states, 20 quizzes\n`);
    console.log(`SQL statements: cold ${cold}, warm ${statements} (auth middleware included)\n`);

    const size = async (encoding: string) =>
      (
        await (
          await app.request("/api/v1/dashboard", { headers: { ...headers, "accept-encoding": encoding } })
        ).arrayBuffer()
      ).byteLength;
    console.log(`Payload bytes: raw ${await size("identity")}, gzip ${await size("gzip")}, br ${await size("br")}\n`);

    console.log("Latency under load (autocannon, 20 connections, 5 s):");
    await load(app, token, "warm cache");
    await load(createApp({ ...deps, redis: missingCache(redis) }), token, "cold (every request builds)");

    const learner = { viewer: { userId, role: "learner" as const }, language: "fr" as const, country: "ML" };
    const times: number[] = [];
    let picked = 0;
    let dueTotal = 0;
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      const session = await quickReview(db, learner, new Date());
      times.push(performance.now() - t);
      picked = session.items.length;
      dueTotal = session.due_total;
    }
    times.sort((a, b) => a - b);
    console.log(
      `\nQuick review over ${CARDS} cards (quickReview, 20 runs): median ${times[10]?.toFixed(1)} ms, ` +
        `max ${times[19]?.toFixed(1)} ms, ${picked} cards picked of ${dueTotal} due`,
    );
  } finally {
    await db.$disconnect();
    redis.disconnect();
    await dropDatabase(base, scratch);
  }
}

await main();
