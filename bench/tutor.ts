/**
 * `pnpm bench:tutor`: what the tutor's path adds to a learner's wait, and what its stream costs on
 * the wire. A scratch database (real migrations, dropped at the end) gets a course whose own
 * document is uploaded and indexed; the real app serves on a port, a real BullMQ worker answers
 * (`tutor-answer` jobs, streamed through Redis), and the learner's daily limit is raised through
 * the admin settings route. Two tutors answer in turn: the offline one, then Claude played by the
 * local Anthropic-protocol fake, pacing a ~600-character French answer like a provider (4
 * characters every 15 ms). Each figure is printed beside a bare baseline taken in the same rounds,
 * interleaved, since the machine's noise moves both:
 * 1. POST /api/v1/tutor/messages → `meta` event, against the first byte of a bare GET /health;
 * 2. POST → first `delta` frame, against the fake's own first content_block_delta (plain fetch)
 *    and the worker's LLM client's first text (`complete({ onText })`);
 * 3. bytes of the delta frames on the wire (accept-encoding: identity) against the answer's UTF-8
 *    text bytes, and the whole stream (meta, citation, done included).
 * Prints figures; never asserts. BENCH_TUTOR_N sets the measured rounds per tutor (default 20).
 */

import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { createApp } from "@sira/api";
import { createAppDeps } from "@sira/api/deps";
import { indexResource, startSession, tokenPair, uploadCourseResource } from "@sira/domain";
import { type Config, createLogger, createRedis, type Logger, parseConfig } from "@sira/infra";
import { createDb, type Db } from "@sira/infra/db";
import { ensureDatabase, migrate } from "@sira/infra/migrator";
import { dropDatabase, withDatabase } from "@sira/infra/testing";
import { processors } from "../apps/worker/src/processors.ts";
import { startWorkers, stopWorkers } from "../apps/worker/src/workers.ts";
import { createAnthropicClient } from "../packages/ai/src/llm/anthropic.ts";
import { type FakeReply, startFakeAnthropic } from "../packages/ai/test/anthropic-fake-server.ts";

const base = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/sira";
const scratch = `sira_bench_tutor_${process.pid}`;
const url = withDatabase(base, scratch);
const queuePrefix = `bench-tutor-${process.pid}`;
const migrations = fileURLToPath(new URL("../prisma/migrations", import.meta.url));
const documentPath = new URL("../packages/demo/src/documents/epidemiologie.md", import.meta.url);

const ROUNDS = Number(process.env.BENCH_TUTOR_N ?? 20);
/** Rounds run first and not counted: connections, JIT and pools warm up. */
const WARM_UP = 2;
const PACING = { deltaSize: 4, delayMs: 15 } as const;
/** The system prompt of the bench's own direct calls to the fake (baselines of figure 2). */
const DIRECT_SYSTEM = "bench: direct call";

const ANSWER =
  "L'incidence compte les nouveaux cas d'une maladie apparus pendant une période donnée, rapportés à la " +
  "population à risque [1]. La prévalence, elle, mesure la proportion de personnes malades à un moment " +
  "donné, cas anciens et nouveaux confondus [2]. C'est pourquoi une maladie chronique comme le diabète " +
  "garde une prévalence élevée même quand son incidence est faible : les malades vivent longtemps avec " +
  "la maladie. Au poste de santé, pensez-y ainsi : l'incidence dit à quelle vitesse la maladie arrive, la " +
  "prévalence dit combien de malades vous suivez aujourd'hui. Retenez aussi que le dénominateur doit " +
  "toujours être la population à risque [1].";

/** Questions the document answers (a question it does not cover would never reach the model). */
const QUESTIONS = [
  "Quelle est la différence entre l'incidence et la prévalence d'une maladie ?",
  "Comment calculer le taux d'incidence dans la population à risque ?",
  "Pourquoi la prévalence du diabète est-elle élevée alors que son incidence est faible ?",
  "Comment calculer le taux de létalité d'une maladie comme la rougeole ?",
  "Qu'est-ce que la surveillance épidémiologique active et passive ?",
  "Que mesure la complétude des rapports de surveillance du district ?",
];

interface AnswerFigures {
  metaMs: number;
  firstDeltaMs: number;
  totalMs: number;
  frames: number;
  text: string;
  textBytes: number;
  deltaBytes: number;
  wireBytes: number;
}

interface Sample {
  healthMs: number;
  fakeFirstDeltaMs?: number;
  clientFirstTextMs?: number;
  answer: AnswerFigures;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

const ms = (n: number) => `${n.toFixed(1)} ms`;
const write = (text: string) => process.stdout.write(text);

async function seedCourse(db: Db): Promise<{ courseId: string; moduleId: string; adminId: string }> {
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
    include: { modules: true },
  });
  const module = course.modules[0];
  if (!module) throw new Error("seed failed");
  return { courseId: course.id, moduleId: module.id, adminId: admin.id };
}

/** Time to the first byte of a bare GET /health (the body is read to the end). */
async function healthFirstByte(server: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${server}/health`, { headers: { "accept-encoding": "identity" } });
  const reader = res.body?.getReader();
  if (!reader) throw new Error(`/health: HTTP ${res.status} without a body`);
  const first = await reader.read();
  const elapsed = performance.now() - started;
  if (res.status !== 200 || first.done) throw new Error(`/health: HTTP ${res.status}`);
  while (!(await reader.read()).done) {
    // drained
  }
  return elapsed;
}

/** Asks the tutor and reads the raw event stream, timing the first meta and delta frames. */
async function ask(
  server: string,
  token: string,
  body: { course_id: string; module_id: string; message: string },
): Promise<AnswerFigures> {
  const started = performance.now();
  const res = await fetch(`${server}/api/v1/tutor/messages`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      "accept-encoding": "identity",
      "accept-language": "fr",
    },
    body: JSON.stringify(body),
  });
  if (res.status !== 200 || !res.body) throw new Error(`tutor: HTTP ${res.status} ${await res.text()}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let raw = "";
  let parsed = 0;
  let wireBytes = 0;
  let metaMs = -1;
  let firstDeltaMs = -1;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    wireBytes += value.byteLength;
    raw += decoder.decode(value, { stream: true });
    const now = performance.now() - started;
    const end = raw.lastIndexOf("\n\n");
    if (end < parsed) continue;
    const complete = raw.slice(parsed, end);
    parsed = end + 2;
    if (metaMs < 0 && complete.includes("event: meta")) metaMs = now;
    if (firstDeltaMs < 0 && complete.includes("event: delta")) firstDeltaMs = now;
  }
  if (raw.includes("event: error")) throw new Error(`tutor: the stream ended in an error:\n${raw.slice(-500)}`);
  const frames = raw.split("\n\n").filter((f) => f.includes("event: delta"));
  const text = frames.map((f) => (JSON.parse(f.slice(f.indexOf("data: ") + 6)) as { text: string }).text).join("");
  return {
    metaMs,
    firstDeltaMs,
    totalMs: performance.now() - started,
    frames: frames.length,
    text,
    textBytes: Buffer.byteLength(text),
    deltaBytes: frames.reduce((sum, f) => sum + Buffer.byteLength(f) + 2, 0),
    wireBytes,
  };
}

/** The fake provider alone: a plain fetch of /v1/messages until its first content_block_delta. */
async function fakeFirstDelta(fakeUrl: string): Promise<number> {
  const abort = new AbortController();
  const started = performance.now();
  const res = await fetch(`${fakeUrl}/v1/messages`, {
    method: "POST",
    signal: abort.signal,
    headers: { "x-api-key": "sk-ant-bench", "anthropic-version": "2023-06-01", "content-type": "application/json" },
    body: JSON.stringify({
      model: "claude-bench",
      system: DIRECT_SYSTEM,
      messages: [{ role: "user", content: "?" }],
      max_tokens: 900,
      stream: true,
    }),
  });
  const reader = res.body?.getReader();
  if (!reader) throw new Error(`fake: HTTP ${res.status}`);
  const decoder = new TextDecoder();
  let raw = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error("fake: the stream ended without a delta");
    raw += decoder.decode(value, { stream: true });
    if (raw.includes("event: content_block_delta")) break;
  }
  const elapsed = performance.now() - started;
  abort.abort();
  return elapsed;
}

/** The worker's LLM client against the fake: time to its first `onText`. */
async function clientFirstText(fakeUrl: string, logger: Logger): Promise<number> {
  const client = createAnthropicClient({ apiKey: "sk-ant-bench", model: "claude-bench", baseURL: fakeUrl, logger });
  const abort = new AbortController();
  const started = performance.now();
  let elapsed = -1;
  await client
    .complete({
      system: DIRECT_SYSTEM,
      messages: [{ role: "user", content: "?" }],
      maxTokens: 900,
      signal: abort.signal,
      onText: () => {
        if (elapsed >= 0) return;
        elapsed = performance.now() - started;
        abort.abort();
      },
    })
    .catch(() => undefined); // the abort right after the first text
  if (elapsed < 0) throw new Error("LLM client: no text from the fake");
  return elapsed;
}

/** Runs `rounds` (after the warm-up) with one worker whose tutor `config` selects. */
async function runTutor(
  config: Config,
  setup: { db: Db; redis: ReturnType<typeof createRedis>; logger: Logger },
  round: (i: number) => Promise<Sample>,
): Promise<Sample[]> {
  const deps = createAppDeps({ config, ...setup });
  const workers = startWorkers(processors({ ...deps }), {
    prefix: config.QUEUE_PREFIX,
    redisUrl: config.REDIS_URL,
    logger: setup.logger,
  });
  try {
    const samples: Sample[] = [];
    for (let i = 0; i < WARM_UP + ROUNDS; i++) {
      const sample = await round(i);
      if (i >= WARM_UP) samples.push(sample);
    }
    return samples;
  } finally {
    await stopWorkers(workers, 5_000);
  }
}

async function main(): Promise<void> {
  await ensureDatabase(url);
  const fake = await startFakeAnthropic();
  const paced: FakeReply = { text: ANSWER, ...PACING };
  // Tutor answers and the bench's direct calls get the paced answer; memory and summary updates
  // (another system prompt) get an empty update at once.
  fake.route = (body) =>
    body.system.includes("tutor of the course") || body.system === DIRECT_SYSTEM ? paced : { text: '{"goals": []}' };
  const env = {
    ...process.env,
    DATABASE_URL: url,
    LOG_LEVEL: "silent",
    QUEUE_PREFIX: queuePrefix,
    // One client asks ~100 times in a minute; the per-network limit is not what is measured.
    RATE_LIMIT_PER_MINUTE: "100000",
    OPENAI_API_KEY: "",
    OPENAI_BASE_URL: "",
  };
  const offline = parseConfig({ ...env, ANTHROPIC_API_KEY: "", ANTHROPIC_BASE_URL: "" });
  const claude = parseConfig({
    ...env,
    ANTHROPIC_API_KEY: "sk-ant-bench",
    ANTHROPIC_BASE_URL: fake.url,
    ANTHROPIC_MODEL: "claude-bench",
  });
  const db = createDb({ url, poolMax: 8 });
  const redis = createRedis(offline.REDIS_URL);
  const logger = createLogger("bench", "silent");
  const closers: (() => Promise<unknown>)[] = [() => fake.close()];
  try {
    await migrate(url, migrations);
    const seeded = await seedCourse(db);
    const deps = createAppDeps({ config: offline, db, redis, logger });
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

    const app = createApp(deps);
    const { port } = await new Promise<AddressInfo>((resolve) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, resolve);
      closers.push(() => new Promise((done) => server.close(done)));
    });
    const server = `http://127.0.0.1:${port}`;

    const tokenFor = async (user: Parameters<typeof tokenPair>[1]): Promise<string> => {
      const meta = { ip: null, userAgent: "bench", requestId: null, now: new Date() };
      const session = await startSession(db, user.id, meta, offline.REFRESH_TOKEN_TTL_DAYS);
      const tokens = await tokenPair({ config: offline, meta }, user, session);
      return tokens.access_token;
    };
    const learnerUser = await db.user.create({
      data: {
        email: "learner@bench.sira",
        name: "Awa",
        country: "SN",
        professionalRole: "nurse",
        role: "learner",
        status: "active",
      },
    });
    await db.userCourseEnrollment.create({
      data: { userId: learnerUser.id, courseId: seeded.courseId, status: "active" },
    });
    const learner = await tokenFor(learnerUser);
    const admin = await tokenFor(await db.user.findUniqueOrThrow({ where: { id: seeded.adminId } }));
    const limit = 2 * (WARM_UP + ROUNDS) + 10;
    const raised = await fetch(`${server}/api/v1/admin/settings/tutor.free_daily_messages`, {
      method: "PUT",
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: JSON.stringify({ value: limit }),
    });
    if (raised.status !== 200) throw new Error(`raising the daily limit: HTTP ${raised.status} ${await raised.text()}`);

    // A new conversation each time: every answer is built from the same kind of prompt.
    const question = (i: number) => ({
      course_id: seeded.courseId,
      module_id: seeded.moduleId,
      message: QUESTIONS[i % QUESTIONS.length] as string,
    });
    const setup = { db, redis, logger };
    const offlineSamples = await runTutor(offline, setup, async (i) => ({
      healthMs: await healthFirstByte(server),
      answer: await ask(server, learner, question(i)),
    }));
    const claudeSamples = await runTutor(claude, setup, async (i) => ({
      healthMs: await healthFirstByte(server),
      fakeFirstDeltaMs: await fakeFirstDelta(fake.url),
      clientFirstTextMs: await clientFirstText(fake.url, logger),
      answer: await ask(server, learner, question(i)),
    }));
    report(offlineSamples, claudeSamples, offline);
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await db.$disconnect();
    redis.disconnect();
    await dropDatabase(base, scratch);
  }
}

function report(offline: Sample[], claude: Sample[], config: Config): void {
  const line = (cells: string[], widths: number[]) =>
    write(`${cells.map((c, i) => (i === 0 ? c.padEnd(widths[0] ?? 0) : c.padStart(widths[i] ?? 0))).join("")}\n`);
  const all = [...offline, ...claude];
  const health = all.map((s) => s.healthMs);
  const healthP50 = percentile(health, 50);
  const healthP95 = percentile(health, 95);
  const widths = [50, 11, 11, 11, 11];

  write(
    `\nTutor over SSE: ${offline.length} offline + ${claude.length} Claude (fake) questions after ${WARM_UP} warm-up` +
      ` rounds each, baselines interleaved round by round\n\n1. First event: POST /api/v1/tutor/messages → meta\n\n`,
  );
  line(["", "p50", "p95", "p50/base", "p95/base"], widths);
  line(["GET /health, first byte (baseline, all rounds)", ms(healthP50), ms(healthP95), "1.00", "1.00"], widths);
  for (const [label, samples] of [
    ["tutor offline, POST → meta", offline],
    ["tutor Claude (fake), POST → meta", claude],
  ] as const) {
    const meta = samples.map((s) => s.answer.metaMs);
    const [p50, p95] = [percentile(meta, 50), percentile(meta, 95)];
    line([label, ms(p50), ms(p95), (p50 / healthP50).toFixed(2), (p95 / healthP95).toFixed(2)], widths);
  }

  write(
    `\n2. First text: POST → first delta frame, the fake pacing ${PACING.deltaSize} characters every ${PACING.delayMs} ms\n\n`,
  );
  const fakeFirst = claude.map((s) => s.fakeFirstDeltaMs ?? Number.NaN);
  const clientFirst = claude.map((s) => s.clientFirstTextMs ?? Number.NaN);
  const claudeDelta = claude.map((s) => s.answer.firstDeltaMs);
  line(["", "p50", "p95"], widths);
  line(
    ["fake provider alone, fetch → first content delta", ms(percentile(fakeFirst, 50)), ms(percentile(fakeFirst, 95))],
    widths,
  );
  line(
    ["LLM client → first onText (baseline)", ms(percentile(clientFirst, 50)), ms(percentile(clientFirst, 95))],
    widths,
  );
  line(
    ["tutor Claude (fake), POST → first delta", ms(percentile(claudeDelta, 50)), ms(percentile(claudeDelta, 95))],
    widths,
  );
  const differences = claude.map((s) => s.answer.firstDeltaMs - (s.clientFirstTextMs ?? Number.NaN));
  line(
    ["  difference, round by round (tutor − client)", ms(percentile(differences, 50)), ms(percentile(differences, 95))],
    widths,
  );
  const offlineDelta = offline.map((s) => s.answer.firstDeltaMs);
  line(
    ["tutor offline, POST → first delta", ms(percentile(offlineDelta, 50)), ms(percentile(offlineDelta, 95))],
    widths,
  );
  write(
    `   (the writer holds a first frame until ${config.SSE_MIN_FRAME_CHARS} characters or ${config.SSE_MAX_FRAME_WAIT_MS} ms,` +
      ` on ${config.SSE_COALESCE_MS} ms ticks; the worker batches text 50 ms before each XADD;` +
      " readers poll the stream about every 100 ms)\n",
  );

  write(
    "\n3. Bytes on the wire (accept-encoding: identity) vs the answer's UTF-8 text bytes, Claude (fake) answers\n\n",
  );
  const ratios = claude.map((s) => s.answer.deltaBytes / s.answer.textBytes);
  const wholeRatios = claude.map((s) => s.answer.wireBytes / s.answer.textBytes);
  const first = claude[0]?.answer;
  if (!first) return;
  const asScripted = claude.filter((s) => s.answer.text === ANSWER).length;
  const frames = claude.map((s) => s.answer.frames);
  const wide = [50, 11, 11, 11];
  line(["", "p50", "min", "max"], wide);
  const stat = (values: number[], digits: number, suffix = "") =>
    [percentile(values, 50), Math.min(...values), Math.max(...values)].map((v) => `${v.toFixed(digits)}${suffix}`);
  line(
    [
      "text bytes",
      ...stat(
        claude.map((s) => s.answer.textBytes),
        0,
      ),
    ],
    wide,
  );
  line(["delta frames per answer", ...stat(frames, 0)], wide);
  line(
    [
      "delta frame bytes",
      ...stat(
        claude.map((s) => s.answer.deltaBytes),
        0,
      ),
    ],
    wide,
  );
  line(["delta bytes / text bytes (target ≤ 1.3)", ...stat(ratios, 2, "x")], wide);
  line(
    [
      "whole stream bytes (meta, citation, done too)",
      ...stat(
        claude.map((s) => s.answer.wireBytes),
        0,
      ),
    ],
    wide,
  );
  line(["whole stream / text bytes", ...stat(wholeRatios, 2, "x")], wide);
  const totals = claude.map((s) => s.answer.totalMs);
  line(["POST → end of stream", ...stat(totals, 0, " ms")], wide);
  write(
    `\n${asScripted}/${claude.length} streamed texts equal the scripted ${Buffer.byteLength(ANSWER)}-byte answer` +
      ` (${ANSWER.length} characters); the citation filter drops a marker beyond the chunks a question retrieved.\n`,
  );
}

await main();
process.exit(0);
