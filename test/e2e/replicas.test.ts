/**
 * Stateless replicas, proven: two API processes and two workers on one PostgreSQL, one Redis and
 * one S3-compatible bucket (s3rver, test/s3rver.ts), and no directory shared between them: each
 * process has a storage directory of its own that nothing may use. A document uploaded through
 * API A is indexed by either worker and its images served by API B; a
 * lesson streamed from API B resumes with Last-Event-ID on API A; the rate limit, the cap on a
 * learner's open streams and idempotency keys hold across both APIs, since they live in Redis and
 * PostgreSQL, not in a process.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { truncateAll } from "@sira/infra/testing";
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
import { bilingualPdf } from "../../packages/domain/test/resources/helpers.ts";
import { type LocalS3, startLocalS3 } from "../s3rver.ts";
import { LESSON_FR, type LessonProvider, slowly, startLessonProvider } from "./claude-lessons.ts";
import { poll } from "./http.ts";
import { offsetOf, openLessonStream, textOf } from "./lesson-streams.ts";
import { freePort, type Service, settledOutput, startService, testEnv, waitFor, waitForLog } from "./processes.ts";

/** A service compiles its sources as it starts: on a loaded 2-core machine that can take a while. */
const STARTUP_MS = 120_000;

const RATE_LIMIT = 20;

let provider: LessonProvider;
let bucket: LocalS3;
/** The parent of each process's own local storage directory, which must stay empty. */
let localDirs: string;
let deps: AppDeps;
let admin: SignedIn;
let learner: SignedIn;
const apis: { service: Service; base: string }[] = [];
const workers: Service[] = [];

const logs = () =>
  [...apis.map((a) => a.service), ...workers].map((s, i) => `--- ${i}\n${s.output().slice(-2000)}`).join("\n");

/** Addresses of this run only: a counter of an earlier run may still be in Redis for a minute. */
const network = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
let clients = 0;
/** A client address of its own for each caller, so the rate limit counts only what a test means it to. */
const newClient = () => `${network}.${++clients}`;
/** Without one, a stream would count against 127.0.0.1, which other suites' APIs on this Redis share. */
const ownClient = () => ({ "x-forwarded-for": newClient() });

beforeAll(async () => {
  [provider, bucket, localDirs] = await Promise.all([
    startLessonProvider(),
    startLocalS3(),
    mkdtemp(join(tmpdir(), "sira-replicas-")),
  ]);
  const env = {
    ...testEnv(),
    QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-replicas`,
    // Every process's files go to the one bucket.
    ...bucket.settings,
    WEB_CONCURRENCY: "1",
    TRUST_PROXY_HOPS: "1",
    RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
    SSE_COALESCE_MS: "0",
    SSE_MAX_STREAMS_PER_USER: "2",
    ...provider.settings,
  };
  await truncateAll(process.env.DATABASE_URL as string);
  deps = testDeps(env);
  [admin, learner] = await Promise.all([
    signIn(deps, { role: "admin" }),
    signIn(deps, { role: "learner", country: "SN" }),
  ]);
  const ports = await Promise.all([freePort(), freePort()]);
  // A directory of each process's own, as on separate machines: the bucket is all they share.
  const own = (name: string) => ({ ...env, STORAGE_DIR: join(localDirs, name) });
  ports.forEach((port, i) => {
    const service = startService("api", { ...own(`api-${i}`), PORT: String(port) });
    apis.push({ service, base: `http://127.0.0.1:${port}` });
  });
  workers.push(startService("worker", own("worker-0")), startService("worker", own("worker-1")));
  await Promise.all([
    ...apis.map((a) => waitFor(`${a.base}/health`, a.service, STARTUP_MS)),
    ...workers.map((w) => waitForLog(w, "Sira worker started", STARTUP_MS)),
  ]);
}, 300_000);

afterAll(async () => {
  await Promise.all([...apis.map((a) => a.service.stop()), ...workers.map((w) => w.stop())]);
  await closeTestDeps();
  await Promise.all([provider?.fake.close(), bucket?.close(), rm(localDirs, { recursive: true, force: true })]);
});

const A = () => apis[0]?.base as string;
const B = () => apis[1]?.base as string;

/** A request as `user`, from `client` (a fresh address unless given). */
function call(base: string, path: string, user: SignedIn, init: RequestInit & { client?: string } = {}) {
  const { client, ...rest } = init;
  return fetch(`${base}${path}`, {
    ...rest,
    headers: {
      ...user.headers,
      "accept-language": "fr",
      "x-forwarded-for": client ?? newClient(),
      ...(rest.headers as Record<string, string>),
    },
  });
}

async function enrolledCourse(): Promise<CourseFixture> {
  const course = await makeCourse(deps.db);
  await enroll(deps.db, learner.userId, course.courseId);
  return course;
}

describe("two APIs and two workers", () => {
  it("index a document uploaded through API A on either worker, and serve its images from API B", async () => {
    const course = await enrolledCourse();
    const form = new FormData();
    form.append("file", new Blob([await bilingualPdf()], { type: "application/pdf" }), "guide.pdf");
    const uploaded = await call(A(), `/api/v1/admin/courses/${course.courseId}/resources`, admin, {
      method: "POST",
      body: form,
    });
    expect(uploaded.status).toBe(201);
    const { id } = (await uploaded.json()) as { id: string };

    const resource = await poll(
      async () =>
        (await (await call(B(), `/api/v1/admin/courses/${course.courseId}/resources/${id}`, admin)).json()) as {
          index_status: string;
          chunk_count: number;
        },
      (r) => r.index_status === "done" || r.index_status === "failed",
      "indexing",
      { context: logs },
    );
    expect(resource.index_status).toBe("done");
    expect(resource.chunk_count).toBeGreaterThan(0);
    // One worker ran the job, the other did not: both serve the same queue.
    const outputs = await Promise.all(workers.map(settledOutput));
    const ran = outputs.filter((out) => out.includes(`"job_id":"index-${id}`));
    expect(ran).toHaveLength(1);

    // A worker read the PDF from the bucket and stored its image there; API B serves the bytes.
    const images = await poll(
      async () =>
        (await (await call(B(), `/api/v1/courses/${course.courseId}/source-images`, learner)).json()) as {
          items: { id: string; url: string }[];
        },
      (page) => page.items.length > 0,
      "the document's images",
      { context: logs },
    );
    const image = await call(B(), `/api/v1/source-images/${images.items[0]?.id}`, learner);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/webp");
    expect((await image.arrayBuffer()).byteLength).toBeGreaterThan(0);
    const row = await deps.db.courseResource.findUniqueOrThrow({ where: { id }, select: { storageKey: true } });
    expect(bucket.requests.some((r) => r.startsWith(`GET /${bucket.bucket}/${row.storageKey}`))).toBe(true);
    // No process kept a file of its own.
    expect(await readdir(localDirs)).toEqual([]);
  }, 300_000);

  it("stream a lesson from API B, and resume it with Last-Event-ID on API A", async () => {
    const course = await enrolledCourse();
    await indexMarketText(deps.db, deps.ai.embedder, course.courseId);
    provider.frenchReplies.push(slowly(40));

    const leave = new AbortController();
    const onB = await openLessonStream(B(), learner, course, { signal: leave.signal, headers: ownClient() });
    await onB.until((f) => f.event === "delta");
    const upTo = onB.frames.filter((f) => f.event === "delta").at(-1)?.id as string;
    leave.abort(); // the phone loses its connection
    const fromB = textOf(onB.frames.filter((f) => offsetOf(f.id) <= offsetOf(upTo)));
    expect(fromB.length).toBe(offsetOf(upTo));

    const onA = await (
      await openLessonStream(A(), learner, course, { lastEventId: upTo, headers: ownClient() })
    ).rest();
    expect(onA.map((f) => f.event)).not.toContain("error");
    expect(fromB + textOf(onA)).toBe(LESSON_FR);
    expect(onA.at(-1)?.event).toBe("done");
  }, 300_000);

  it("count a learner's open streams across both APIs", async () => {
    const course = await enrolledCourse();
    await indexMarketText(deps.db, deps.ai.embedder, course.courseId);
    provider.frenchReplies.push(slowly(40));
    const leave = new AbortController();
    const open = [
      await openLessonStream(A(), learner, course, { signal: leave.signal, headers: ownClient() }),
      await openLessonStream(B(), learner, course, { signal: leave.signal, headers: ownClient() }),
    ];
    await Promise.all(open.map((s) => s.until((f) => f.event === "meta")));
    for (const base of [A(), B()]) {
      const refused = await call(
        base,
        `/api/v1/modules/${course.moduleId}/lessons/${course.lessonUnitId}/stream`,
        learner,
      );
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { code: string }).code).toBe("TOO_MANY_STREAMS");
    }
    leave.abort();
    // The slots are free once the streams are closed, whichever process held them.
    await poll(
      async () =>
        (await call(B(), `/api/v1/modules/${course.moduleId}/lessons/${course.lessonUnitId}`, learner)).status,
      (status) => status === 200,
      "the lesson to be stored",
    );
    const again = await openLessonStream(A(), learner, course, { headers: ownClient() });
    expect(textOf(await again.rest())).toBe(LESSON_FR);
  }, 300_000);

  it("count one rate limit for a client across both APIs", async () => {
    const client = newClient();
    const answers: { status: number; remaining: string | null }[] = [];
    for (let i = 0; i < RATE_LIMIT + 4; i++) {
      const res = await call(i % 2 === 0 ? A() : B(), "/api/v1/courses", learner, { client });
      answers.push({ status: res.status, remaining: res.headers.get("ratelimit-remaining") });
      await res.body?.cancel();
    }
    expect(answers.slice(0, RATE_LIMIT)).toEqual(
      Array.from({ length: RATE_LIMIT }, (_, i) => ({ status: 200, remaining: String(RATE_LIMIT - 1 - i) })),
    );
    expect(answers.slice(RATE_LIMIT).map((a) => a.status)).toEqual([429, 429, 429, 429]);
  });

  it("answer an Idempotency-Key once across both APIs, racing or replayed", async () => {
    const course = await enrolledCourse();
    const card = await makeCard(deps.db, course.moduleId, "prix");
    const review = (base: string, key: string, rating = 3) =>
      call(base, `/api/v1/flashcards/${card}/review`, learner, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": key },
        body: JSON.stringify({ rating, duration_ms: 3000 }),
      });

    // The same key sent to both at once: one does the work; the other waits its turn or replays it.
    const raced = `race-${crypto.randomUUID()}`;
    const answers = await Promise.all([review(A(), raced), review(B(), raced)]);
    const statuses = answers.map((r) => r.status).sort();
    expect([
      [200, 200],
      [200, 409],
    ]).toContainEqual(statuses);

    // A replay on the other API gets the first answer, marked as replayed; a different body is refused.
    const key = `review-${crypto.randomUUID()}`;
    const first = await review(A(), key);
    expect(first.status).toBe(200);
    const replayed = await review(B(), key);
    expect(replayed.status).toBe(200);
    expect(replayed.headers.get("idempotent-replayed")).toBe("true");
    expect(await replayed.json()).toEqual(await first.json());
    expect((await review(B(), key, 1)).status).toBe(422);

    const logged = await deps.db.flashcardReviewLog.groupBy({
      by: ["idempotencyKey"],
      where: { userId: learner.userId, cardId: card },
      _count: true,
    });
    expect(logged.map((row) => [row.idempotencyKey, row._count]).sort()).toEqual(
      [
        [key, 1],
        [raced, 1],
      ].sort(),
    );
  });
});
