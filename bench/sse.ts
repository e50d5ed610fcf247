/**
 * `pnpm bench:sse`: bytes on the wire against text bytes for a streamed lesson, as a 2G phone
 * receives it. A scratch database (real migrations, dropped at the end) gets a course whose own
 * document is uploaded and indexed; the real app serves on a port and a real BullMQ worker runs
 * the offline generator, which emits word-sized deltas like a provider. Three streams are read
 * with `accept-encoding: identity`: a live generation with the shipped framing, the same with a
 * frame per delta (coalescing off), and the cached replay. Then 500 (BENCH_SSE_STREAMS) live lesson
 * streams on one API process, a child process of its own: memory per open stream, first-event
 * latency, Redis commands per second (INFO commandstats deltas) idle and while a 3 KB lesson flows
 * to each at a provider's pace, and the whole stream's bytes against the text, live and replayed.
 * Prints figures; never asserts.
 * BENCH_SSE_DUMP=1 also prints each raw stream (long texts shortened).
 */

import { fork } from "node:child_process";
import { readFile } from "node:fs/promises";
import http, { type ClientRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { createApp } from "@sira/api";
import { createAppDeps } from "@sira/api/deps";
import type { SourceRef } from "@sira/contracts";
import {
  type CacheKey,
  GenerationPublisher,
  generationStreamKey,
  indexResource,
  startSession,
  storeGeneratedContent,
  tokenPair,
  uploadCourseResource,
} from "@sira/domain";
import { createLogger, createRedis, parseConfig, type Redis } from "@sira/infra";
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

    process.stdout.write(
      `\nSSE lesson stream: bytes on the wire vs text bytes (accept-encoding: identity; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")})\n\n`,
    );
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
        `shipped: 200 ms ticks, >= ${config.SSE_MIN_FRAME_CHARS} chars, <= ${config.SSE_MAX_FRAME_WAIT_MS} ms`,
        {
          coalesceMs: config.SSE_COALESCE_MS,
          minFrameChars: config.SSE_MIN_FRAME_CHARS,
          maxFrameWaitMs: config.SSE_MAX_FRAME_WAIT_MS,
        },
      ],
      ["the earlier floor: >= 140 chars, <= 1 s", { coalesceMs: 200, minFrameChars: 140, maxFrameWaitMs: 1_000 }],
      ["every 200 ms, whatever the size", { coalesceMs: 200, minFrameChars: 0, maxFrameWaitMs: 0 }],
      ["a frame per provider delta", { coalesceMs: 0, minFrameChars: 0, maxFrameWaitMs: 0 }],
    ] as const;
    for (const [label, framing] of framings) {
      const { frames, bytes } = await framedBytes(markdown, framing, 15);
      process.stdout.write(
        `  ${label.padEnd(44)} ${String(frames).padStart(5)} frames, ${String(bytes).padStart(6)} bytes for ${textBytes} text bytes = ${(bytes / textBytes).toFixed(2)}x\n`,
      );
    }

    // The BullMQ workers stop here: the concurrency run counts Redis commands.
    await stopWorkers(workers, 5_000);
    const chunks = await db.documentChunk.findMany({ take: 4, orderBy: { chunkIndex: "asc" } });
    const sources: SourceRef[] = chunks.map((c) => ({
      chunk_id: c.id,
      resource_id: c.resourceId,
      source: "epidemiologie.md",
      chapter: c.chapter,
      page: c.page,
    }));
    await concurrency(db, redis, seeded, threeKbLesson(new TextDecoder().decode(bytes)), sources);
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await db.$disconnect();
    redis.disconnect();
    await dropDatabase(base, scratch);
  }
}

// ---------------------------------------------------------------------------------------------
// Concurrency: N live lesson streams held by one API process (a child process, so its memory and
// CPU are its own), each tailing its own generation, which this process publishes like a worker.
// ---------------------------------------------------------------------------------------------

const STREAMS = Number(process.env.BENCH_SSE_STREAMS ?? 500);
/** Streams opened per second (arrivals), so first-event latency is a per-stream cost, not one burst. */
const OPEN_RATE = Number(process.env.BENCH_SSE_OPEN_RATE ?? 100);
/** Provider pace: this many characters every TICK_MS (about 270 characters/s, like Claude's output). */
const TICK_CHARS = 20;
const TICK_MS = 75;

interface ChildStats {
  mem: NodeJS.MemoryUsage;
  cpu: NodeJS.CpuUsage;
}

/** The API alone in its own process: serves on a port, answers memory/CPU questions over IPC. */
async function serveChild(): Promise<void> {
  const childUrl = process.env.DATABASE_URL ?? "";
  const config = parseConfig({ ...process.env, LOG_LEVEL: "silent" });
  const db = createDb({ url: childUrl, poolMax: 10 });
  const redis = createRedis(config.REDIS_URL);
  const logger = createLogger("bench-api", "silent");
  const app = createApp(createAppDeps({ config, db, redis, logger }));
  const send = (message: unknown) => process.send?.(message);
  serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => send({ port: info.port }));
  process.on("message", (message) => {
    if (message === "stats") {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      gc?.();
      send({ stats: { mem: process.memoryUsage(), cpu: process.cpuUsage() } satisfies ChildStats });
    }
    if (message === "exit") process.exit(0);
  });
}

interface ApiChild {
  port: number;
  stats(): Promise<ChildStats>;
  stop(): Promise<void>;
}

async function forkApi(env: Record<string, string>): Promise<ApiChild> {
  // BENCH_SSE_CPU_PROF=<dir>: the API process writes a V8 CPU profile there when it exits.
  const profile = process.env.BENCH_SSE_CPU_PROF;
  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: [...process.execArgv, "--expose-gc", ...(profile ? ["--cpu-prof", `--cpu-prof-dir=${profile}`] : [])],
    env: { ...process.env, ...env, BENCH_SSE_API_CHILD: "1" },
  });
  process.once("exit", () => child.kill());
  const port = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.on("message", (m: { port?: number }) => {
      if (m.port) resolve(m.port);
    });
  });
  return {
    port,
    stats: () =>
      new Promise((resolve) => {
        const on = (m: { stats?: ChildStats }) => {
          if (!m.stats) return;
          child.off("message", on);
          resolve(m.stats);
        };
        child.on("message", on);
        child.send("stats");
      }),
    stop: () =>
      // A clean exit writes the CPU profile; a child that does not leave is killed.
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill(), 10_000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.send("exit");
      }),
  };
}

interface LiveStream {
  openedAt: number;
  metaAt: number;
  firstTextAt: number;
  bytes: number;
  raw: string;
  ended: Promise<void>;
  request: ClientRequest;
}

const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });

function openStream(port: number, path: string, token: string): LiveStream {
  const live: LiveStream = {
    openedAt: performance.now(),
    metaAt: -1,
    firstTextAt: -1,
    bytes: 0,
    raw: "",
    ended: Promise.resolve(),
    request: undefined as unknown as ClientRequest,
  };
  live.ended = new Promise<void>((resolve, reject) => {
    live.request = http.get(
      {
        host: "127.0.0.1",
        port,
        path,
        agent,
        headers: { authorization: `Bearer ${token}`, "accept-language": "fr", "accept-encoding": "identity" },
      },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`stream: HTTP ${res.statusCode}`));
          res.resume();
          return;
        }
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          const now = performance.now();
          live.bytes += Buffer.byteLength(chunk);
          live.raw += chunk;
          if (live.metaAt < 0 && live.raw.includes("event: meta")) live.metaAt = now;
          if (live.firstTextAt < 0 && live.raw.includes("event: delta")) live.firstTextAt = now;
        });
        res.on("end", () => resolve());
        res.on("error", reject);
      },
    );
    live.request.on("error", (err) => (live.request.destroyed ? resolve() : reject(err)));
  });
  live.ended.catch(() => undefined);
  return live;
}

function textOfRaw(raw: string): string {
  return raw
    .split("\n\n")
    .filter((f) => f.includes("event: delta"))
    .map((f) => (JSON.parse(f.slice(f.indexOf("data: ") + 6)) as { text: string }).text)
    .join("");
}

async function commandStats(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info("commandstats");
  const calls = new Map<string, number>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(m[1] ?? "", Number(m[2]));
  return calls;
}

function commandDelta(before: Map<string, number>, after: Map<string, number>, seconds: number) {
  const rows = [...after].map(([cmd, n]) => [cmd, (n - (before.get(cmd) ?? 0)) / seconds] as const);
  return rows.filter(([cmd, r]) => r > 0 && cmd !== "info").sort((a, b) => b[1] - a[1]);
}

const pct = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

/** A lesson of about 3 KB: the course document's opening paragraphs with citation markers. */
export function threeKbLesson(document: string): string {
  const paragraphs = document.split("\n\n");
  let out = "";
  let n = 0;
  for (const p of paragraphs) {
    const next = p.startsWith("#") ? p : `${p} [${(n++ % 4) + 1}]`;
    if (Buffer.byteLength(`${out}${next}\n\n`) > 3_000) break;
    out += `${next}\n\n`;
  }
  return out.trimEnd();
}

const PUBLISHER_COMMANDS = new Set(["xadd", "expire", "multi", "exec", "del"]);

async function concurrency(
  db: Db,
  redis: Redis,
  seeded: { courseId: string; moduleId: string },
  markdown: string,
  sources: SourceRef[],
): Promise<void> {
  // Every client here has one address: the per-address rate limit would refuse most of them.
  const child = await forkApi({
    DATABASE_URL: url,
    QUEUE_PREFIX: `${scratch}-api`,
    LOG_LEVEL: "silent",
    RATE_LIMIT_PER_MINUTE: "1000000",
  });
  try {
    // One unit and one learner per stream: every stream tails its own generation.
    await db.moduleUnit.createMany({
      data: Array.from({ length: STREAMS }, (_, i) => ({
        moduleId: seeded.moduleId,
        unitNumber: 100 + i,
        unitType: "lesson" as const,
        titleFr: `Leçon ${i}`,
        titleEn: `Lesson ${i}`,
      })),
    });
    const units = await db.moduleUnit.findMany({
      where: { moduleId: seeded.moduleId, unitNumber: { gte: 100 } },
      orderBy: { unitNumber: "asc" },
    });
    await db.user.createMany({
      data: Array.from({ length: STREAMS }, (_, i) => ({
        email: `c${i}@bench.sira`,
        name: "Awa",
        country: "SN",
        professionalRole: "nurse",
        role: "learner" as const,
        status: "active" as const,
        currentLevel: 1,
      })),
    });
    const users = await db.user.findMany({ where: { email: { endsWith: "@bench.sira", startsWith: "c" } } });
    await db.userCourseEnrollment.createMany({
      data: users.map((u) => ({ userId: u.id, courseId: seeded.courseId, status: "active" as const })),
    });
    const config = parseConfig({ ...process.env, DATABASE_URL: url, LOG_LEVEL: "silent" });
    const env = {
      db,
      config,
      logger: createLogger("bench", "silent"),
      mailer: undefined as never,
      meta: { ip: null, userAgent: "bench", requestId: null, now: new Date() },
    };
    const tokens: string[] = [];
    for (const user of users) {
      const session = await startSession(db, user.id, env.meta, config.REFRESH_TOKEN_TTL_DAYS);
      tokens.push((await tokenPair(env, user, session)).access_token);
    }
    const pathOf = (i: number) => `/api/v1/modules/${seeded.moduleId}/lessons/${units[i]?.id}/stream`;
    const keyOf = (i: number): CacheKey => ({
      moduleId: seeded.moduleId,
      unitId: units[i]?.id ?? "",
      contentType: "lesson",
      language: "fr",
      level: 1,
      country: "SN",
    });

    // Warm-up (JIT, pools), then the process's baseline.
    const warm = Array.from({ length: 20 }, (_, i) => openStream(child.port, pathOf(i), tokens[i] ?? ""));
    await new Promise((r) => setTimeout(r, 1_500));
    for (const w of warm) w.request.destroy();
    await new Promise((r) => setTimeout(r, 1_000));
    const base = await child.stats();

    // Arrivals at OPEN_RATE per second until all are open; nothing is generated yet.
    const streams: LiveStream[] = [];
    for (let i = 0; i < STREAMS; i++) {
      streams.push(openStream(child.port, pathOf(i), tokens[i] ?? ""));
      if ((i + 1) % 10 === 0) await new Promise((r) => setTimeout(r, (10 * 1000) / OPEN_RATE));
    }
    for (let tries = 0; tries < 1_200 && streams.some((s) => s.metaAt < 0); tries++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const unopened = streams.filter((s) => s.metaAt < 0).length;
    await new Promise((r) => setTimeout(r, 1_000));
    // Idle: every stream open, waiting for its generation's first entry.
    const idleFrom = await commandStats(redis);
    const idleStart = performance.now();
    await new Promise((r) => setTimeout(r, 3_000));
    const idleCommands = commandDelta(idleFrom, await commandStats(redis), (performance.now() - idleStart) / 1000);
    const held = await child.stats();

    // Active: every generation publishes its text at a provider's pace, like the worker does.
    const publishers = streams.map((_, i) => new GenerationPublisher(redis, generationStreamKey(keyOf(i))));
    await Promise.all(publishers.map((p, i) => p.start(`run-${i}`)));
    const activeFrom = await commandStats(redis);
    const cpuFrom = (await child.stats()).cpu;
    const activeStart = performance.now();
    // Paced by the clock: a late tick publishes more, so a loaded machine keeps the provider's rate.
    let offset = 0;
    while (offset < markdown.length) {
      const due = Math.min(
        markdown.length,
        Math.floor(((performance.now() - activeStart) * TICK_CHARS) / TICK_MS) + TICK_CHARS,
      );
      const piece = markdown.slice(offset, due);
      for (const p of publishers) p.delta(piece);
      offset = due;
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
    const activeSeconds = (performance.now() - activeStart) / 1000;
    const activeCommands = commandDelta(activeFrom, await commandStats(redis), activeSeconds);
    const cpuTo = (await child.stats()).cpu;
    const content = { markdown };
    await Promise.all(
      publishers.map(async (p, i) => {
        const stored = await storeGeneratedContent(db, keyOf(i), {
          content,
          sourcesCited: sources,
          model: "bench",
          metadata: {},
        });
        await p.finish({ type: "done", content_id: stored.id, version: stored.version, sources });
      }),
    );
    const results = await Promise.allSettled(streams.map((s) => s.ended));
    const failed = results.filter((r) => r.status === "rejected").length;
    const complete = streams.filter((s) => textOfRaw(s.raw) === markdown && s.raw.includes("event: done")).length;
    const errors = streams.filter((s) => s.raw.includes("event: error")).length;
    const firstEvent = streams.filter((s) => s.metaAt >= 0).map((s) => s.metaAt - s.openedAt);
    const firstText = streams.filter((s) => s.firstTextAt >= 0).map((s) => s.firstTextAt - activeStart);
    const textBytes = Buffer.byteLength(markdown);
    const wire = streams.map((s) => s.bytes / textBytes);
    const replay = openStream(child.port, pathOf(0), tokens[0] ?? "");
    await replay.ended;
    if (textOfRaw(replay.raw) !== markdown) throw new Error("the cached replay is not the lesson");

    const perStream = (a: number, b: number) => `${((b - a) / STREAMS / 1024).toFixed(1)} KiB`;
    const sum = (rows: (readonly [string, number])[], pick: (cmd: string) => boolean) =>
      rows.filter(([c]) => pick(c)).reduce((n, [, r]) => n + r, 0);
    const show = (rows: (readonly [string, number])[]) =>
      rows
        .slice(0, 8)
        .map(([c, r]) => `${c} ${r.toFixed(0)}`)
        .join(", ");
    const cpuMs = (cpuTo.user + cpuTo.system - cpuFrom.user - cpuFrom.system) / 1000;
    process.stdout.write(
      `\n${STREAMS} concurrent live lesson streams on one API process (opened at ${OPEN_RATE}/s; a ${textBytes}-byte ` +
        `lesson published at ${Math.round((TICK_CHARS * 1000) / TICK_MS)} chars/s per stream)\n\n` +
        `  streams complete: ${complete}/${STREAMS} (errors ${errors}, failed requests ${failed}, no meta ${unopened})\n` +
        `  memory per open stream (after GC): heap ${perStream(base.mem.heapUsed, held.mem.heapUsed)}, ` +
        `RSS ${perStream(base.mem.rss, held.mem.rss)}  (heap ${(held.mem.heapUsed / 2 ** 20).toFixed(0)} MiB, ` +
        `RSS ${(held.mem.rss / 2 ** 20).toFixed(0)} MiB with all open)\n` +
        `  first event (meta): p50 ${pct(firstEvent, 50).toFixed(0)} ms, p99 ${pct(firstEvent, 99).toFixed(0)} ms\n` +
        `  first text after the generation's first text: p50 ${pct(firstText, 50).toFixed(0)} ms, ` +
        `p99 ${pct(firstText, 99).toFixed(0)} ms (includes the writer's coalescing)\n` +
        `  text published at ${(textBytes / activeSeconds).toFixed(0)} bytes/s per stream (paced by the clock)\n` +
        `  API process CPU while text flows: ${((cpuMs / (activeSeconds * 1000)) * 100).toFixed(0)}% of one core\n` +
        `  Redis commands/s, idle (all open, no text yet): readers ${sum(idleCommands, (c) => !PUBLISHER_COMMANDS.has(c)).toFixed(0)} ` +
        `[${show(idleCommands)}]\n` +
        `  Redis commands/s, text flowing: readers ${sum(activeCommands, (c) => !PUBLISHER_COMMANDS.has(c)).toFixed(0)}, ` +
        `publishers ${sum(activeCommands, (c) => PUBLISHER_COMMANDS.has(c)).toFixed(0)} [${show(activeCommands)}]\n` +
        `  whole stream / text, live at provider pace: p50 ${pct(wire, 50).toFixed(2)}x, max ${Math.max(...wire).toFixed(2)}x\n` +
        `  whole stream / text, cached replay of the same lesson: ${(replay.bytes / textBytes).toFixed(2)}x ` +
        `(${replay.bytes} bytes for ${textBytes})\n`,
    );
  } finally {
    await child.stop();
  }
}

if (process.env.BENCH_SSE_API_CHILD) {
  await serveChild();
} else {
  await main();
  process.exit(0);
}
