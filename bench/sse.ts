/**
 * `pnpm bench:sse`: bytes on the wire against text bytes for a streamed lesson, as a 2G phone
 * receives it. A scratch database (real migrations, dropped at the end) gets a course whose own
 * document is uploaded and indexed; the real app serves on a port and a real BullMQ worker runs
 * the offline generator, which emits word-sized deltas like a provider. Three streams are read
 * with `accept-encoding: identity`: a live generation with the shipped framing, the same with a
 * frame per delta (coalescing off), and the cached replay. Prints figures; never asserts.
 * BENCH_SSE_DUMP=1 also prints each raw stream (long texts shortened).
 */

import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { createApp } from "@sira/api";
import { createAppDeps } from "@sira/api/deps";
import { indexResource, startSession, tokenPair, uploadCourseResource } from "@sira/domain";
import { createLogger, createRedis, parseConfig } from "@sira/infra";
import { createDb, type Db } from "@sira/infra/db";
import { ensureDatabase, migrate } from "@sira/infra/migrator";
import { dropDatabase, withDatabase } from "@sira/infra/testing";
import { SseWriter } from "../apps/api/src/http/sse.ts";
import { processors } from "../apps/worker/src/processors.ts";
import { startWorkers, stopWorkers } from "../apps/worker/src/workers.ts";

const base = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/sira";
const scratch = `sira_bench_sse_${process.pid}`;
const url = withDatabase(base, scratch);
const migrations = fileURLToPath(new URL("../prisma/migrations", import.meta.url));
const documentPath = new URL("../packages/demo/src/documents/epidemiologie.md", import.meta.url);

interface Figures {
  label: string;
  firstEventMs: number;
  totalMs: number;
  frames: number;
  textBytes: number;
  deltaBytes: number;
  wireBytes: number;
}

/**
 * The writer alone, fed like a provider feeds it: `text` in 4-character deltas every `everyMs`.
 * Returns the bytes of the delta frames it wrote.
 */
async function framedBytes(
  text: string,
  framing: { coalesceMs: number; minFrameChars: number; maxFrameWaitMs: number },
  everyMs: number,
): Promise<{ frames: number; bytes: number }> {
  let bytes = 0;
  let frames = 0;
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  const drain = (async () => {
    const reader = stream.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      bytes += value.byteLength;
      frames += 1;
    }
  })();
  const writer = new SseWriter(controller as ReadableStreamDefaultController<Uint8Array>, {
    ...framing,
    heartbeatMs: 60_000,
    resumeOffset: 0,
  });
  for (let i = 0; i < text.length; i += 4) {
    writer.delta(text.slice(i, i + 4));
    await new Promise((r) => setTimeout(r, everyMs));
  }
  writer.close();
  await drain;
  return { frames, bytes };
}

async function seedCourse(db: Db): Promise<{ courseId: string; moduleId: string; unitId: string; adminId: string }> {
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
  const course = await db.course.create({
    data: {
      slug: "epidemiologie-bench",
      titleFr: "Les bases de l'épidémiologie",
      titleEn: "Epidemiology basics",
      descriptionFr: "Mesurer, surveiller, investiguer.",
      descriptionEn: "Measure, monitor, investigate.",
      status: "published",
      creationStep: "published",
      moduleCount: 1,
      modules: {
        create: {
          moduleNumber: 1,
          level: 1,
          titleFr: "Mesurer la santé d'une population",
          titleEn: "Measuring a population's health",
          descriptionFr: "Incidence, prévalence et létalité.",
          descriptionEn: "Incidence, prevalence and case fatality.",
          estimatedHours: 2,
          bloomLevel: "understand",
          units: {
            create: {
              unitNumber: 1,
              unitType: "lesson",
              titleFr: "Incidence et prévalence",
              titleEn: "Incidence and prevalence",
            },
          },
        },
      },
    },
    include: { modules: { include: { units: true } } },
  });
  const module = course.modules[0];
  const unit = module?.units[0];
  if (!module || !unit) throw new Error("seed failed");
  return { courseId: course.id, moduleId: module.id, unitId: unit.id, adminId: admin.id };
}

async function readStream(url: string, token: string, label: string): Promise<Figures> {
  const started = performance.now();
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${token}`, "accept-encoding": "identity", "accept-language": "fr" },
  });
  if (res.status !== 200 || !res.body) throw new Error(`${label}: HTTP ${res.status}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let wireBytes = 0;
  let firstEventMs = -1;
  let raw = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    if (firstEventMs < 0) firstEventMs = performance.now() - started;
    wireBytes += value.byteLength;
    raw += decoder.decode(value, { stream: true });
  }
  if (process.env.BENCH_SSE_DUMP)
    process.stdout.write(`${raw.replace(/"text":"[^"]{80,}/g, (m) => `${m.slice(0, 90)}…`)}\n`);
  const frames = raw.split("\n\n").filter((f) => f.includes("event: delta"));
  const deltaBytes = frames.reduce((sum, f) => sum + Buffer.byteLength(f) + 2, 0);
  const text = frames.map((f) => (JSON.parse(f.slice(f.indexOf("data: ") + 6)) as { text: string }).text).join("");
  if (raw.includes("event: error")) throw new Error(`${label}: the stream ended in an error:\n${raw.slice(-500)}`);
  return {
    label,
    firstEventMs,
    totalMs: performance.now() - started,
    frames: frames.length,
    textBytes: Buffer.byteLength(text),
    deltaBytes,
    wireBytes,
  };
}

async function main(): Promise<void> {
  await ensureDatabase(url);
  const config = parseConfig({ ...process.env, DATABASE_URL: url, LOG_LEVEL: "silent", QUEUE_PREFIX: scratch });
  const db = createDb({ url, poolMax: 4 });
  const redis = createRedis(config.REDIS_URL);
  const logger = createLogger("bench", "silent");
  const closers: (() => Promise<unknown>)[] = [];
  try {
    await migrate(url, migrations);
    const seeded = await seedCourse(db);
    const deps = createAppDeps({ config, db, redis, logger });
    const bytes = new Uint8Array(await readFile(documentPath));
    const resource = await uploadCourseResource(
      deps,
      { userId: seeded.adminId, role: "admin" },
      {
        courseId: seeded.courseId,
        filename: "epidemiologie.md",
        content: (async function* () {
          yield bytes;
        })(),
      },
      { requestId: null, ip: null },
    );
    await indexResource(deps, resource.id);

    const workers = startWorkers(processors({ ...deps }), {
      prefix: config.QUEUE_PREFIX,
      redisUrl: config.REDIS_URL,
      logger,
    });
    closers.push(() => stopWorkers(workers, 5_000));

    const serveApp = async (coalesceMs: string): Promise<string> => {
      const appConfig = parseConfig({
        ...process.env,
        DATABASE_URL: url,
        LOG_LEVEL: "silent",
        QUEUE_PREFIX: scratch,
        SSE_COALESCE_MS: coalesceMs,
      });
      const app = createApp(createAppDeps({ config: appConfig, db, redis, logger }));
      const { port } = await new Promise<AddressInfo>((resolve) => {
        const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, resolve);
        closers.push(() => new Promise((done) => server.close(done)));
      });
      return `http://127.0.0.1:${port}`;
    };
    const coalesced = await serveApp("200");
    const perDelta = await serveApp("0");

    const learner = async (country: string): Promise<string> => {
      const user = await db.user.create({
        data: {
          email: `learner-${country.toLowerCase()}@bench.sira`,
          name: "Awa",
          country,
          professionalRole: "nurse",
          role: "learner",
          status: "active",
        },
      });
      await db.userCourseEnrollment.create({ data: { userId: user.id, courseId: seeded.courseId, status: "active" } });
      const env = {
        db,
        config,
        logger,
        mailer: deps.mailer,
        meta: { ip: null, userAgent: "bench", requestId: null, now: new Date() },
      };
      const session = await startSession(db, user.id, env.meta, config.REFRESH_TOKEN_TTL_DAYS);
      return (await tokenPair(env, user, session)).access_token;
    };
    // The country is part of the cache key: each learner below triggers its own live generation.
    const path = `/api/v1/modules/${seeded.moduleId}/lessons/${seeded.unitId}/stream`;
    const senegal = await learner("SN");
    const mali = await learner("ML");
    const rows = [
      await readStream(`${coalesced}${path}`, senegal, "live, shipped framing"),
      await readStream(`${perDelta}${path}`, mali, "live, coalescing off"),
      await readStream(`${coalesced}${path}`, senegal, "cached replay"),
    ];

    process.stdout.write("\nSSE lesson stream: bytes on the wire vs text bytes (accept-encoding: identity)\n\n");
    const line = (cells: string[]) =>
      process.stdout.write(
        `${cells[0]?.padEnd(30)}${cells
          .slice(1)
          .map((c, i) => c.padStart(i === 0 ? 12 : 11))
          .join("")}\n`,
      );
    line(["stream", "first event", "total", "frames", "text B", "deltas B", "deltas/txt", "all B", "all/txt"]);
    for (const r of rows) {
      line([
        r.label,
        `${r.firstEventMs.toFixed(0)} ms`,
        `${r.totalMs.toFixed(0)} ms`,
        String(r.frames),
        String(r.textBytes),
        String(r.deltaBytes),
        (r.deltaBytes / r.textBytes).toFixed(2),
        String(r.wireBytes),
        (r.wireBytes / r.textBytes).toFixed(2),
      ]);
    }
    process.stdout.write(
      "\n'deltas' counts the delta frames only; 'all' adds the meta, citation (sources) and done events.\n" +
        "The offline generator is instant, so a live stream arrives in few frames. The writer alone, fed a\n" +
        "provider-like 4-character delta every 15 ms with the same lesson text:\n\n",
    );
    const lessonText = await db.generatedContent.findFirstOrThrow({ select: { content: true } });
    const markdown = (lessonText.content as { markdown: string }).markdown;
    const textBytes = Buffer.byteLength(markdown);
    const framings = [
      [
        "shipped: 200 ms ticks, >= 140 chars, <= 1 s",
        {
          coalesceMs: config.SSE_COALESCE_MS,
          minFrameChars: config.SSE_MIN_FRAME_CHARS,
          maxFrameWaitMs: config.SSE_MAX_FRAME_WAIT_MS,
        },
      ],
      ["every 200 ms, whatever the size", { coalesceMs: 200, minFrameChars: 0, maxFrameWaitMs: 0 }],
      ["a frame per provider delta", { coalesceMs: 0, minFrameChars: 0, maxFrameWaitMs: 0 }],
    ] as const;
    for (const [label, framing] of framings) {
      const { frames, bytes } = await framedBytes(markdown, framing, 15);
      process.stdout.write(
        `  ${label.padEnd(44)} ${String(frames).padStart(5)} frames, ${String(bytes).padStart(6)} bytes for ${textBytes} text bytes = ${(bytes / textBytes).toFixed(2)}x\n`,
      );
    }
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await db.$disconnect();
    redis.disconnect();
    await dropDatabase(base, scratch);
  }
}

await main();
process.exit(0);
