/**
 * Faults survived, with real processes: the API and a worker run on a PostgreSQL server and a Redis
 * server of this file's own, which the tests kill and restart while traffic flows.
 * - Redis killed (SIGKILL): reads that do not need it keep answering; what needs it (uploads, new
 *   lessons, the tutor) answers 503 problem+json with Retry-After, never 500, and costs nothing;
 *   /health/ready names Redis; everything comes back by itself when Redis does; the jobs queued
 *   before the kill run after it.
 * - PostgreSQL restarted: requests during the outage get 503 with Retry-After; the service is back
 *   within 5 s of PostgreSQL; every write the API acknowledged is there afterwards, and a refused
 *   write retried with its Idempotency-Key is answered and done once.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppDeps } from "../../apps/api/src/app-types.ts";
import { closeTestDeps, type SignedIn, signIn, testDeps } from "../../apps/api/test/helpers.ts";
import {
  type CourseFixture,
  enroll,
  indexMarketText,
  makeCourse,
} from "../../packages/domain/test/content/fixtures.ts";
import { makeCard } from "../../packages/domain/test/flashcards/fixtures.ts";
import { type OwnPostgres, type OwnRedis, startPostgres, startRedis } from "../own-services.ts";
import { poll } from "./http.ts";
import { Load, type LoadKind, type Outcome } from "./load.ts";
import { freePort, type Service, settledOutput, startService, waitFor, waitForLog } from "./processes.ts";
import { readEvents } from "./sse.ts";

/** A service compiles its sources as it starts: on a loaded 2-core machine that can take a while. */
const STARTUP_MS = 120_000;

let postgres: OwnPostgres;
let redis: OwnRedis;
let storageDir: string;
let env: Record<string, string>;
let deps: AppDeps;
let api: Service;
let worker: Service;
let base: string;
let admin: SignedIn;
let learner: SignedIn;
let course: CourseFixture;
let cards: string[];

const logs = () => `--- api\n${api?.output().slice(-3000)}\n--- worker\n${worker?.output().slice(-3000)}`;

beforeAll(async () => {
  [postgres, redis, storageDir] = await Promise.all([
    startPostgres(),
    startRedis(),
    mkdtemp(join(tmpdir(), "sira-faults-storage-")),
  ]);
  env = {
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: "sira-faults",
    STORAGE_DIR: storageDir,
    JWT_SECRET: process.env.JWT_SECRET as string,
    WEB_CONCURRENCY: "1",
    // The load comes from one address: the limiter is not what these tests look at.
    RATE_LIMIT_PER_MINUTE: "1000000",
    READY_RATE_LIMIT_PER_MINUTE: "1000000",
  };
  deps = testDeps(env);
  admin = await signIn(deps, { role: "admin" });
  learner = await signIn(deps, { role: "learner", country: "SN" });
  course = await makeCourse(deps.db);
  await enroll(deps.db, learner.userId, course.courseId);
  await indexMarketText(deps.db, deps.ai.embedder, course.courseId);
  cards = await Promise.all(["offre", "demande", "prix"].map((c, i) => makeCard(deps.db, course.moduleId, c, i)));

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  api = startService("api", { ...env, PORT: String(port) });
  worker = startService("worker", env);
  await Promise.all([
    waitFor(`${base}/health`, api, STARTUP_MS),
    waitForLog(worker, "Sira worker started", STARTUP_MS),
  ]);
}, 300_000);

afterAll(async () => {
  await Promise.all([api?.stop("SIGKILL"), worker?.stop("SIGKILL")]);
  await closeTestDeps();
  await Promise.all([postgres?.destroy(), redis?.destroy(), rm(storageDir, { recursive: true, force: true })]);
});

const as = (user: SignedIn, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...user.headers, "accept-language": "fr", ...(init.headers as Record<string, string>) },
});
const get = (path: string, user?: SignedIn) => fetch(`${base}${path}`, user ? as(user) : {});

let reviews = 0;
/** The card each Idempotency-Key reviewed, so a retry sends the same request. */
const cardOf = new Map<string, string>();
/**
 * A flashcard review with a fresh Idempotency-Key (or a retry of the review sent with `key`): its
 * tag is the key, to look for afterwards.
 */
async function review(retried?: string): Promise<{ res: Response; tag: string }> {
  const key = retried ?? `review-${++reviews}-${crypto.randomUUID()}`;
  const card = cardOf.get(key) ?? (cards[reviews % cards.length] as string);
  cardOf.set(key, card);
  const res = await fetch(
    `${base}/api/v1/flashcards/${card}/review`,
    as(learner, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": key },
      body: JSON.stringify({ rating: 3, duration_ms: 4000 }),
    }),
  );
  return { res, tag: key };
}

/** Reads and writes that PostgreSQL alone serves. */
const databaseOnly: LoadKind[] = [
  { name: "catalog", send: async () => ({ res: await get("/api/v1/courses") }) },
  { name: "modules", send: async () => ({ res: await get(`/api/v1/modules?course_id=${course.courseId}`, learner) }) },
  { name: "dashboard", send: async () => ({ res: await get("/api/v1/dashboard", learner) }) },
  { name: "due cards", send: async () => ({ res: await get("/api/v1/flashcards/due", learner) }) },
  { name: "review", send: review },
];

let uploads = 0;
/** A small Markdown document, different each time (the same bytes would be the same resource). */
function upload(): Promise<Response> {
  uploads += 1;
  const text = `# Fiche ${uploads}\n\nLe prix d'équilibre égalise l'offre et la demande (fiche ${uploads}).\n`;
  const form = new FormData();
  form.append("file", new Blob([text], { type: "text/markdown" }), `fiche-${uploads}.md`);
  return fetch(`${base}/api/v1/admin/courses/${course.courseId}/resources`, {
    ...as(admin),
    method: "POST",
    body: form,
  });
}

/** A question to the tutor, with an Idempotency-Key a retry may reuse. */
function askTutor(key: string): Promise<Response> {
  return fetch(
    `${base}/api/v1/tutor/messages`,
    as(learner, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": key },
      body: JSON.stringify({ course_id: course.courseId, message: "Qu'est-ce que le prix d'équilibre ?" }),
    }),
  );
}
const tutorMessagesLeft = async () =>
  ((await (await get("/api/v1/tutor/remaining", learner)).json()) as { remaining: number }).remaining;

/** An answer refused because a dependency is down: 503 problem+json with a Retry-After, never a 500. */
function expectOutageAnswer(o: Pick<Outcome, "status" | "retryAfter" | "contentType" | "code">): void {
  expect(o).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE" });
  expect(o.contentType).toMatch(/^application\/problem\+json/);
  expect(Number(o.retryAfter)).toBeGreaterThan(0);
}

async function outcomeOf(res: Response): Promise<Outcome> {
  const contentType = res.headers.get("content-type") ?? "";
  const body = await res.text();
  const code = contentType.startsWith("application/problem+json") ? (JSON.parse(body) as { code: string }).code : null;
  return {
    kind: "",
    phase: "",
    status: res.status,
    retryAfter: res.headers.get("retry-after"),
    contentType,
    code,
    tag: "",
  };
}

const readiness = async () => {
  const res = await fetch(`${base}/health/ready`);
  return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, string> } };
};

describe("Redis killed under load", () => {
  it("keeps serving what needs only PostgreSQL, refuses the rest with 503, recovers alone, loses no job", async () => {
    // Jobs queued before the kill: the indexing queue is held so they are still waiting when Redis dies.
    const indexing = new Queue("rag-indexing", { connection: { url: redis.url }, prefix: env.QUEUE_PREFIX });
    indexing.on("error", () => undefined); // it reconnects by itself once Redis is back
    await indexing.pause();
    const queued: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await upload();
      expect(res.status).toBe(201);
      queued.push(((await res.json()) as { id: string }).id);
    }
    expect(await indexing.getJobCountByTypes("waiting")).toBe(3);

    const load = new Load(databaseOnly);
    try {
      await load.seen("review", (o) => o.status === 200, 2);

      load.phase = "outage";
      await redis.kill();
      await poll(readiness, (r) => r.status === 503, "readiness to see Redis down", { ms: 30_000, context: logs });
      expect((await readiness()).body).toEqual({
        status: "unavailable",
        checks: { postgres: "up", redis: "down", totp_keys: "up" },
      });
      expect((await fetch(`${base}/health`)).status).toBe(200);
      // What needs Redis is refused, and says when to come back: a document (its indexing job), a
      // lesson nobody has generated yet (its generation job and the learner's daily quota), and a
      // question to the tutor (its answer's job), which costs none of today's messages.
      expectOutageAnswer(await outcomeOf(await upload()));
      const stream = `/api/v1/modules/${course.moduleId}/lessons/${course.lessonUnitId}/stream`;
      expectOutageAnswer(await outcomeOf(await get(stream, learner)));
      const messagesLeft = await tutorMessagesLeft();
      const question = `tutor-${crypto.randomUUID()}`;
      expectOutageAnswer(await outcomeOf(await askTutor(question)));
      expect(await tutorMessagesLeft()).toBe(messagesLeft);
      // Everything else goes on: several answers of each kind while Redis is gone.
      for (const kind of databaseOnly) await load.seen(kind.name, (o) => o.status === 200, 3);

      load.phase = "recovery";
      await redis.start();
      await poll(readiness, (r) => r.status === 200, "readiness to see Redis back", { ms: 60_000, context: logs });
      // The API queues work again by itself: an upload is accepted, a lesson is generated and streamed.
      const accepted = await poll(upload, (res) => res.status === 201, "an upload to be accepted again", {
        ms: 60_000,
        context: logs,
      });
      queued.push(((await accepted.json()) as { id: string }).id);
      const lesson = await readEvents(await get(stream, learner));
      expect(lesson.events.map((e) => e.event)).toContain("done");
      // The refused question, asked again with its key, is answered now and counted once.
      const answer = await readEvents(await askTutor(question));
      expect(answer.events.map((e) => e.event)).toContain("done");
      expect(await tutorMessagesLeft()).toBe(messagesLeft - 1);
      await load.seen("review", (o) => o.status === 200, 2);
    } finally {
      await load.stop();
    }

    // Nothing but 200s for what PostgreSQL serves, outage included: no 500, no dropped connection.
    for (const phase of ["before", "outage", "recovery"]) {
      const statuses = new Set(load.of(phase).map((o) => `${o.kind}: ${o.status}`));
      expect(
        [...statuses].filter((s) => !s.endsWith(": 200")),
        `${phase}: ${[...statuses].join(", ")}`,
      ).toEqual([]);
    }

    // The jobs queued before the kill were kept and run once the queue goes on, on the same worker.
    await indexing.resume();
    await indexing.close();
    for (const id of queued) {
      const resource = await poll(
        () => deps.db.courseResource.findUniqueOrThrow({ where: { id }, select: { indexStatus: true } }),
        (r) => r.indexStatus === "done" || r.indexStatus === "failed",
        `resource ${id} to be indexed`,
        { ms: 120_000, context: logs },
      );
      expect(resource.indexStatus).toBe("done");
    }
    expect(worker.child.exitCode).toBeNull();
    expect(await settledOutput(api)).not.toMatch(/"level":50/);
  }, 300_000);
});

describe("PostgreSQL restarted under load", () => {
  it("answers 503 with Retry-After during the outage, is back within 5 s, and keeps every acknowledged write", async () => {
    const load = new Load(databaseOnly);
    let back: number;
    try {
      await load.seen("review", (o) => o.status === 200, 2);

      load.phase = "outage";
      await postgres.stop();
      await load.seen("review", (o) => o.status === 503, 3);
      await load.seen("catalog", (o) => o.status === 503, 3);
      const ready = await readiness();
      expect(ready.status).toBe(503);
      expect(ready.body.checks.postgres).toBe("down");
      expect(ready.body.checks.redis).toBe("up");
      expect((await fetch(`${base}/health`)).status).toBe(200);

      await postgres.start();
      back = Date.now();
      load.phase = "recovery";
      // Back within 5 s of PostgreSQL accepting connections: a read and a write succeed again.
      while (Date.now() - back < 5_000) {
        const [catalog, write] = await Promise.all([get("/api/v1/courses"), review()]);
        if (catalog.status === 200 && write.res.status === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const [catalog, write] = await Promise.all([get("/api/v1/courses"), review()]);
      expect([catalog.status, write.res.status], logs()).toEqual([200, 200]);
      await load.seen("review", (o) => o.status === 200, 3);
    } finally {
      await load.stop();
    }

    // During the outage: 200 (before it bit, or once it was over) or 503 with Retry-After, nothing else.
    for (const o of load.outcomes) {
      if (o.status === 200) continue;
      expectOutageAnswer(o);
    }

    // A client retries what it was refused, with the same key: it is answered once PostgreSQL is
    // back (its claim settled meanwhile), and never done twice. A claim whose own write committed
    // as the connection died stays "in progress" (409) until it may be taken over, two minutes on.
    const retried = new Map<string, number>();
    for (const o of load.outcomes.filter((o) => o.kind === "review" && o.status === 503)) {
      const key = o.tag as string;
      const deadline = Date.now() + 20_000;
      let status = (await review(key)).res.status;
      while (status !== 200 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        status = (await review(key)).res.status;
      }
      expect([200, 409], `the retry of ${key}`).toContain(status);
      retried.set(key, status);
    }

    // Every review the API acknowledged is stored exactly once; none is stored twice.
    const acknowledged = [
      ...load.outcomes.filter((o) => o.kind === "review" && o.status === 200).map((o) => o.tag as string),
      ...[...retried].filter(([, status]) => status === 200).map(([key]) => key),
    ];
    expect(acknowledged.length).toBeGreaterThan(4);
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ idempotency_key: string; n: number }>(
        `SELECT idempotency_key, count(*)::int AS n FROM flashcard_review_logs
          WHERE user_id = $1 AND idempotency_key IS NOT NULL GROUP BY idempotency_key`,
        [learner.userId],
      );
      expect(rows.filter((r) => r.n > 1)).toEqual([]);
      const stored = new Set(rows.map((r) => r.idempotency_key));
      expect(acknowledged.filter((key) => !stored.has(key))).toEqual([]);
    } finally {
      await client.end();
    }
  }, 180_000);
});
