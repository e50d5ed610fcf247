/**
 * `pnpm bench:http`: what the HTTP pipeline costs, as a ratio against bare servers doing the same
 * work, measured side by side in one run. A scratch database (real migrations, dropped at the end)
 * gets the demo data (`seedDemo`), a deck in the demo learner's course and reviews sent through the
 * API itself. The API runs as production starts it, one process (`WEB_CONCURRENCY=1`), on a port;
 * the baselines (bench/http-baseline.ts) run in another process: `node:http` answering the health
 * JSON, and `node:http` + `pg` replaying the SQL the API issued for each read (captured from
 * Prisma's query events, plus the Redis reads that carry the answer, e.g. the dashboard cache), and
 * the same replay behind bare Hono on @hono/node-server with no middleware (what the framework
 * alone costs). autocannon loads them from this process, each round starting with another server
 * so that noise from the shared machine hits all three; ratios are per round, printed as ranges.
 * Then each path runs rate-limited at 80% of the API's best throughput, for its p99. Prints
 * figures; never asserts.
 *
 * BENCH_HTTP_ROUNDS (2), BENCH_HTTP_SECONDS (5), BENCH_HTTP_CONNECTIONS (10),
 * BENCH_HTTP_API = dist | src (dist when apps/api/dist/index.js exists), BENCH_HTTP_LOG_LEVEL (info),
 * BENCH_HTTP_ONLY = comma-separated path names, BENCH_HTTP_PROFILE = a directory: the API runs
 * with --cpu-prof there and the top self-time frames are printed at the end.
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createApp } from "@sira/api";
import { createAppDeps } from "@sira/api/deps";
import { seedDemo } from "@sira/demo";
import { listCatalogCourses, listCourseModules, quickReview, startSession, tokenPair } from "@sira/domain";
import { createLogger, createRedis, parseConfig } from "@sira/infra";
import { createDb, onQuery } from "@sira/infra/db";
import { ensureDatabase, migrate } from "@sira/infra/migrator";
import { dropDatabase, withDatabase } from "@sira/infra/testing";
import autocannon from "autocannon";
import pg from "pg";
import type { BaselinePlan, BaselineRoute } from "./http-baseline.ts";

const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 2);
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 10);
const LOG_LEVEL = process.env.BENCH_HTTP_LOG_LEVEL ?? "info";
const PROFILE_DIR = process.env.BENCH_HTTP_PROFILE;
const ONLY = process.env.BENCH_HTTP_ONLY?.split(",").map((s) => s.trim());
const CARDS = 120;
const REVIEWED = 60;

const root = fileURLToPath(new URL("..", import.meta.url));
const base = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/sira";
const scratch = `sira_bench_http_${process.pid}`;
const url = withDatabase(base, scratch);
const migrations = join(root, "prisma/migrations");
const compiled = join(root, "apps/api/dist/index.js");
const apiMode = process.env.BENCH_HTTP_API ?? (existsSync(compiled) ? "dist" : "src");
/** What the baselines replay (bench/http-baseline.ts reads it at start); removed at the end. */
const planFile = join(tmpdir(), `sira-bench-http-${process.pid}.json`);

interface Target {
  name: string;
  path: string;
  auth: boolean;
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  bad: number;
  /** The server process's CPU time per answered request, in microseconds (Linux; NaN elsewhere). */
  cpuUs: number;
}

/** A process's user + system CPU time in microseconds, from /proc (NaN where there is none). */
function cpuTimeUs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // utime + stime, in 1/100 s ticks
  } catch {
    return Number.NaN;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHealth(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("API did not start");
}

/** The API as production starts it, in its own process. */
async function startApi(redisUrl: string): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const args = PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  if (apiMode === "dist") args.push(compiled);
  else args.push("--import", "tsx", join(root, "apps/api/src/index.ts"));
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      SIRA_SERVICE: "sira-api",
      DATABASE_URL: url,
      REDIS_URL: redisUrl,
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_LEVEL,
      WEB_CONCURRENCY: "1",
      RATE_LIMIT_PER_MINUTE: "1000000000",
      ACCESS_TOKEN_TTL_SECONDS: "3600",
    },
  });
  await waitForHealth(port, child);
  return { child, port };
}

async function startBaseline(
  plan: BaselinePlan,
  mode: "node" | "hono",
): Promise<{ child: ChildProcess; port: number }> {
  writeFileSync(planFile, JSON.stringify(plan));
  const child = fork(join(root, "bench/http-baseline.ts"), [planFile, mode], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (m) => resolve((m as { port: number }).port));
    child.once("exit", (code) => reject(new Error(`baseline exited with ${code}`)));
  });
  return { child, port };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

async function load(
  server: { port: number; child: ChildProcess },
  target: Target,
  headers: Record<string, string>,
  options: { seconds: number; rate?: number },
): Promise<Run> {
  const port = server.port;
  const cpuBefore = cpuTimeUs(server.child.pid);
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${target.path}`,
    connections: CONNECTIONS,
    duration: options.seconds,
    headers: target.auth ? headers : { "accept-language": "fr" },
    ...(options.rate ? { overallRate: Math.round(options.rate) } : {}),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    bad: result.non2xx + result.errors + result.timeouts,
    cpuUs: (cpuTimeUs(server.child.pid) - cpuBefore) / Math.max(1, result.requests.total),
  };
}

/** Mean wall and CPU time of `work` over `runs` sequential calls, in microseconds. */
async function timed(runs: number, work: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  for (let i = 0; i < 20; i++) await work();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < runs; i++) await work();
  const used = process.cpuUsage(cpu);
  return { wall: ((performance.now() - started) * 1000) / runs, cpu: (used.user + used.system) / runs };
}

const range = (values: number[], digits = 0) => {
  const lo = Math.min(...values).toFixed(digits);
  const hi = Math.max(...values).toFixed(digits);
  return lo === hi ? lo : `${lo}–${hi}`;
};

/** Top self-time frames of the API's CPU profile(s). */
function summariseProfile(dir: string): void {
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"))) {
    const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as {
      nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
      samples: number[];
      timeDeltas: number[];
    };
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map<string, number>();
    let total = 0;
    profile.samples.forEach((id, i) => {
      const frame = byId.get(id)?.callFrame;
      const dt = profile.timeDeltas[i] ?? 0;
      total += dt;
      if (!frame) return;
      const where = frame.url.replace(/^.*node_modules\/(\.pnpm\/)?/, "").replace(`file://${root}`, "");
      const key = `${frame.functionName || "(anonymous)"}  ${where}:${frame.lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + dt);
    });
    console.log(`\nCPU profile ${file}: top self time (of ${(total / 1e6).toFixed(1)} s)`);
    for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
      console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
    }
  }
}

async function main(): Promise<void> {
  await ensureDatabase(url);
  const config = parseConfig({
    ...process.env,
    DATABASE_URL: url,
    LOG_LEVEL: "silent",
    RATE_LIMIT_PER_MINUTE: "1000000000",
    ACCESS_TOKEN_TTL_SECONDS: "3600",
  });
  const db = createDb({ url, poolMax: config.DATABASE_POOL_MAX, logQueries: true });
  const redis = createRedis(config.REDIS_URL);
  redis.on("error", () => {});
  const children: ChildProcess[] = [];
  try {
    await migrate(url, migrations);
    const seeded = await seedDemo(db, config);
    const deps = createAppDeps({ config, db, redis, logger: createLogger("bench", "silent") });
    const app = createApp(deps);
    // As the API does at start: the session list is whole, so auth asks no database.
    await deps.denylist.ensureLoaded();
    const learner = await db.user.findUniqueOrThrow({ where: { id: seeded.learnerId } });
    const now = new Date();
    const meta = { ip: null, userAgent: "bench", requestId: null, now };
    const session = await startSession(db, learner.id, meta, 30);
    const { access_token: token } = await tokenPair({ config, meta }, learner, session);
    const headers = { authorization: `Bearer ${token}`, "accept-language": "fr" };

    // A deck in the first module of the learner's course (as the generator leaves it), then reviews
    // sent through the API as an offline queue replays them 20 days late: about half the deck is due.
    const enrollment = await db.userCourseEnrollment.findFirstOrThrow({ where: { userId: learner.id } });
    const module1 = await db.module.findFirstOrThrow({
      where: { courseId: enrollment.courseId, moduleNumber: 1 },
    });
    await db.flashcard.createMany({
      data: Array.from({ length: CARDS }, (_, i) => ({
        moduleId: module1.id,
        conceptKey: `concept-${i}`,
        termFr: `terme ${i}`,
        termEn: `term ${i}`,
        definitionFr: `La définition du terme ${i}, en une phrase.`,
        definitionEn: `The definition of term ${i}, in one sentence.`,
        position: i,
      })),
    });
    const cards = await db.flashcard.findMany({ where: { moduleId: module1.id }, orderBy: { position: "asc" } });
    const queuedAt = new Date(now.getTime() - 20 * 86_400_000).toISOString();
    for (const card of cards.slice(0, REVIEWED)) {
      const res = await app.request(`/api/v1/flashcards/${card.id}/review`, {
        method: "POST",
        headers: {
          ...headers,
          "content-type": "application/json",
          "idempotency-key": `bench-review-${card.id}`,
          "x-offline-queued-at": queuedAt,
        },
        body: JSON.stringify({ rating: 3, duration_ms: 6000 }),
      });
      if (res.status !== 200) throw new Error(`review: HTTP ${res.status} ${await res.text()}`);
    }

    const targets: Target[] = [
      { name: "health", path: "/health", auth: false },
      { name: "catalog", path: "/api/v1/courses", auth: false },
      { name: "dashboard", path: "/api/v1/dashboard", auth: true },
      { name: "modules", path: `/api/v1/modules?course_id=${enrollment.courseId}`, auth: true },
      { name: "due cards", path: "/api/v1/flashcards/due", auth: true },
    ].filter((t) => !ONLY || ONLY.includes(t.name));

    // What the API issues for each read: Prisma's statements, and Redis commands through MONITOR.
    let sql: BaselineRoute["sql"] = [];
    let commands: string[][] = [];
    onQuery(db, (e) => {
      sql.push({ text: e.query, params: JSON.parse(e.params) as unknown[] });
    });
    const monitor = await redis.monitor();
    monitor.on("monitor", (_time: string, args: string[]) => commands.push(args));
    const routes: BaselineRoute[] = [];
    let health = "";
    const capture: Record<string, { sql: number; redis: number; replayed: number; bytes: number }> = {};
    for (const target of targets) {
      await app.request(target.path, { headers: target.auth ? headers : {} }); // warms caches
      await new Promise((r) => setTimeout(r, 50));
      sql = [];
      commands = [];
      const res = await app.request(target.path, { headers: target.auth ? headers : {} });
      const body = await res.text();
      await new Promise((r) => setTimeout(r, 50));
      if (res.status !== 200) throw new Error(`${target.path}: HTTP ${res.status} ${body}`);
      if (target.name === "health") health = body;
      // Reads only: a write in the window (the usage buffer's flush, with the users it locks) is
      // no part of this answer.
      const reads = sql.filter(
        (s) => /^\s*(SELECT|WITH)\b/i.test(s.text) && !/\bFOR (KEY SHARE|UPDATE)\b/i.test(s.text),
      );
      if (process.env.BENCH_HTTP_SQL) for (const s of sql) console.log(`${target.name}: ${s.text.slice(0, 160)}`);
      // The limiter and the session denylist are the pipeline's work; the answer's reads are replayed.
      const dataReads = commands.filter(
        ([name, key]) =>
          !["eval", "evalsha", "exists"].includes(String(name).toLowerCase()) &&
          !String(key).startsWith("sira:rl:") &&
          !String(key).startsWith("auth:revoked-session:"),
      );
      routes.push({ path: target.path, sql: reads, redis: dataReads });
      capture[target.name] = {
        sql: reads.length,
        redis: commands.length,
        replayed: dataReads.length,
        bytes: Buffer.byteLength(body),
      };
    }
    monitor.disconnect();

    // The domain function (its reviewed SQL on Prisma's pool, decision 0054) against the same
    // statements raw through Prisma and through pg, in this process, one call at a time.
    const domainReads: Record<string, () => Promise<unknown>> = {
      catalog: () => listCatalogCourses(db, null, { page: 1, limit: 20 }, "fr"),
      modules: () =>
        listCourseModules(
          db,
          { viewer: { userId: learner.id, role: "learner" }, language: "fr" },
          enrollment.courseId,
          { page: 1, limit: 20 },
        ),
      "due cards": () =>
        quickReview(
          db,
          { viewer: { userId: learner.id, role: "learner" }, language: "fr", country: learner.country ?? "SN" },
          new Date(),
        ),
    };
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const layer: string[] = [];
    for (const t of targets) {
      const read = domainReads[t.name];
      const route = routes.find((r) => r.path === t.path);
      if (!read || !route) continue;
      const viaDomain = await timed(200, read);
      const viaPg = await timed(200, async () => {
        for (const s of route.sql) await pool.query(s.text, s.params);
      });
      // The same statements as raw queries through Prisma (what TypedSQL or $queryRaw would cost).
      const viaRaw = await timed(200, async () => {
        for (const s of route.sql) await db.$queryRawUnsafe(s.text, ...s.params);
      });
      const us = (x: { wall: number; cpu: number }) => `${Math.round(x.wall)} µs (CPU ${Math.round(x.cpu)})`;
      layer.push(
        `${t.name.padEnd(10)} domain ${us(viaDomain).padEnd(22)} raw via Prisma ${us(viaRaw).padEnd(22)} pg ${us(viaPg)}`,
      );
    }
    await pool.end();

    const api = await startApi(config.REDIS_URL);
    children.push(api.child);
    const plan = { databaseUrl: url, redisUrl: config.REDIS_URL, poolMax: config.DATABASE_POOL_MAX, health, routes };
    const baseline = await startBaseline(plan, "node");
    children.push(baseline.child);
    const hono = await startBaseline(plan, "hono");
    children.push(hono.child);

    console.log(
      `HTTP overhead: the API (${apiMode === "dist" ? "compiled" : "tsx"}, one process, LOG_LEVEL=${LOG_LEVEL}) ` +
        `against bare node:http (+ pg), ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} rounds ` +
        "alternated; identity encoding\n",
    );
    for (const t of targets) {
      const c = capture[t.name];
      console.log(
        `${t.name.padEnd(10)} ${t.path.replace(/course_id=.*/, "course_id=…").padEnd(34)} ` +
          `${c?.sql} SQL, ${c?.redis} Redis command(s) in the API (baseline replays the SQL + ${c?.replayed}), ${c?.bytes} B`,
      );
    }
    const servers = { api, base: baseline, hono };
    // Warm every server's JIT on every path before measuring.
    for (const t of targets)
      for (const server of Object.values(servers)) await load(server, t, headers, { seconds: 2 });

    const results = new Map<string, Record<keyof typeof servers, Run[]>>();
    for (const t of targets) {
      const r = { api: [] as Run[], base: [] as Run[], hono: [] as Run[] };
      for (let round = 0; round < ROUNDS; round++) {
        // Each round starts with another server, so that a slow spell of the machine hits each in turn.
        const order = (["api", "base", "hono"] as const).map((_, i, all) => all[(i + round) % all.length] ?? "api");
        for (const who of order) r[who].push(await load(servers[who], t, headers, { seconds: SECONDS }));
      }
      results.set(t.name, r);
    }

    const saturation = new Map<string, Run>();
    for (const t of targets) {
      const best = Math.max(...(results.get(t.name)?.api ?? []).map((r) => r.rps));
      saturation.set(t.name, await load(api, t, headers, { seconds: SECONDS, rate: best * 0.8 }));
    }

    console.log(
      "\npath        API req/s        baseline req/s   API/baseline  API p50/p99 ms   base p50/p99 ms   " +
        "at 80%: req/s  p50/p99 ms   errors",
    );
    for (const t of targets) {
      const r = results.get(t.name);
      const s = saturation.get(t.name);
      if (!r || !s) continue;
      const ratios = r.api.map((a, i) => (100 * a.rps) / (r.base[i]?.rps ?? Number.NaN));
      const bad = [...r.api, ...r.base, s].reduce((n, x) => n + x.bad, 0);
      console.log(
        `${t.name.padEnd(11)} ${range(r.api.map((x) => x.rps)).padEnd(16)} ${range(r.base.map((x) => x.rps)).padEnd(16)} ` +
          `${`${range(ratios)} %`.padEnd(13)} ${`${range(r.api.map((x) => x.p50))} / ${range(r.api.map((x) => x.p99))}`.padEnd(16)} ` +
          `${`${range(r.base.map((x) => x.p50))} / ${range(r.base.map((x) => x.p99))}`.padEnd(17)} ` +
          `${String(Math.round(s.rps)).padStart(13)}  ${`${s.p50} / ${s.p99}`.padEnd(12)} ${bad}`,
      );
    }
    // CPU per request holds still when other work on the machine steals cores from both servers.
    console.log("\nServer CPU per request (µs; the baseline's as a % of the API's: throughput if CPU-bound):");
    for (const t of targets) {
      const r = results.get(t.name);
      if (!r) continue;
      const shares = r.api.map((a, i) => (100 * (r.base[i]?.cpuUs ?? Number.NaN)) / a.cpuUs);
      console.log(
        `${t.name.padEnd(11)} API ${range(r.api.map((x) => x.cpuUs)).padEnd(12)} baseline ${range(r.base.map((x) => x.cpuUs)).padEnd(12)} ${range(shares)} %`,
      );
    }
    // Bare Hono doing the same work with no middleware: what the framework alone costs.
    console.log("\nBare Hono on @hono/node-server, same work, no middleware (against the same baseline, per round):");
    for (const t of targets) {
      const r = results.get(t.name);
      if (!r) continue;
      const ratios = r.hono.map((h, i) => (100 * h.rps) / (r.base[i]?.rps ?? Number.NaN));
      console.log(
        `${t.name.padEnd(11)} ${range(r.hono.map((x) => x.rps)).padEnd(16)} req/s  ${`${range(ratios)} %`.padEnd(10)} of baseline  ` +
          `CPU ${range(r.hono.map((x) => x.cpuUs))} µs per request`,
      );
    }
    console.log(
      "\nTargets: /health >= 50 % of bare node:http; the four reads >= 60 % of node:http + pg; p99 <= 50 ms at 80 %.",
    );
    if (layer.length) {
      console.log(
        "\nOne read in process, 200 sequential calls: the domain function, its statements as raw queries through Prisma, and through pg (unprepared):",
      );
      for (const line of layer) console.log(line);
    }
  } finally {
    for (const child of children) await stop(child);
    await db.$disconnect();
    redis.disconnect();
    await dropDatabase(base, scratch);
    rmSync(planFile, { force: true });
    if (PROFILE_DIR) summariseProfile(PROFILE_DIR);
  }
}

if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
await main();
