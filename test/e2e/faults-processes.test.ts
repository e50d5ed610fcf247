/**
 * Faults survived, with real processes: API and worker processes on this file's database and Redis
 * database, and Claude as a local server speaking Anthropic's protocol at a provider's pace
 * (claude-lessons.ts).
 * - A worker killed (SIGKILL) in the middle of a lesson: the job is found stalled once its lock
 *   lapses, runs again on another worker, the learner's open stream resets and gets the whole
 *   lesson, and the lesson is stored once.
 * - SIGTERM to an API process: a request in flight finishes; an open lesson stream ends with a
 *   `reconnect` event and a `retry` hint, and resumes with Last-Event-ID on another API process;
 *   a request that would outlast the grace period is cut, and the process exits.
 */
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
import { LESSON_FR, type LessonProvider, slowly, startLessonProvider } from "./claude-lessons.ts";
import { poll } from "./http.ts";
import { isReset, offsetOf, openLessonStream, textOf } from "./lesson-streams.ts";
import { freePort, type Service, startService, testEnv, waitFor, waitForLog } from "./processes.ts";

/** A service compiles its sources as it starts: on a loaded 2-core machine that can take a while. */
const STARTUP_MS = 120_000;

let provider: LessonProvider;
let env: Record<string, string>;
let deps: AppDeps;
let learner: SignedIn;
let admin: SignedIn;
const services: Service[] = [];

const logs = () => services.map((s, i) => `--- service ${i}\n${s.output().slice(-2500)}`).join("\n");

async function startApi(): Promise<{ api: Service; base: string }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const api = startService("api", { ...env, PORT: String(port) });
  services.push(api);
  await waitFor(`${base}/health`, api, STARTUP_MS);
  return { api, base };
}

async function startWorker(): Promise<Service> {
  const worker = startService("worker", env);
  services.push(worker);
  await waitForLog(worker, "Sira worker started", STARTUP_MS);
  return worker;
}

/** A published course with indexed documents and the learner enrolled: its lesson is not generated yet. */
async function freshLesson(): Promise<CourseFixture> {
  const course = await makeCourse(deps.db);
  await enroll(deps.db, learner.userId, course.courseId);
  await indexMarketText(deps.db, deps.ai.embedder, course.courseId);
  return course;
}

/** The service's exit code; fails if it is still running after `ms` (a generous bound, not a timing). */
function exitWithin(service: Service, ms: number): Promise<number | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${ms} ms:\n${service.output().slice(-3000)}`)), ms);
  });
  const exited = new Promise<number | null>((resolve) => {
    if (service.child.exitCode !== null) resolve(service.child.exitCode);
    else service.child.once("exit", (code) => resolve(code));
  });
  return Promise.race([exited, late]).finally(() => clearTimeout(timer));
}

beforeAll(async () => {
  provider = await startLessonProvider();
  env = {
    ...testEnv(),
    QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-faults`,
    WEB_CONCURRENCY: "1",
    ...provider.settings,
    SSE_COALESCE_MS: "0",
    SSE_HEARTBEAT_MS: "1000",
    // A dead worker's job is found within seconds, not the production half minute.
    JOB_LOCK_DURATION_MS: "4000",
    JOB_STALLED_INTERVAL_MS: "1000",
    SHUTDOWN_GRACE_MS: "6000",
    // Each upload comes from an address of its own (X-Forwarded-For), so the test sees it arrive.
    TRUST_PROXY_HOPS: "1",
  };
  await truncateAll(process.env.DATABASE_URL as string);
  deps = testDeps(env);
  learner = await signIn(deps, { role: "learner", country: "SN" });
  admin = await signIn(deps, { role: "admin" });
}, 300_000);

afterAll(async () => {
  await Promise.all(services.map((s) => s.stop("SIGKILL")));
  await closeTestDeps();
  await provider?.fake.close();
});

describe("a worker killed in the middle of a job", () => {
  it("runs the job again on another worker: the open stream resets, gets the whole lesson, stored once", async () => {
    const course = await freshLesson();
    const [{ base }, first] = await Promise.all([startApi(), startWorker()]);
    provider.frenchReplies.push(slowly());

    const reader = await openLessonStream(base, learner, course);
    await reader.until((f) => f.event === "delta");
    // The provider is half-way through the lesson when the worker dies, holding the job's lock.
    expect(await first.stop("SIGKILL")).toBeNull();
    await startWorker();

    const frames = await reader.rest();
    expect(frames.map((f) => f.event)).not.toContain("error");
    const reset = frames.findIndex(isReset);
    expect(reset, logs()).toBeGreaterThan(0);
    const before = textOf(frames.slice(0, reset));
    expect(before.length).toBeGreaterThan(0);
    expect(LESSON_FR.startsWith(before)).toBe(true);
    expect(textOf(frames.slice(reset))).toBe(LESSON_FR);
    expect(frames.at(-1)?.event).toBe("done");

    // Asked twice (the killed attempt and the retry), stored once.
    expect(provider.frenchAsked()).toBe(2);
    const stored = await deps.db.generatedContent.findMany({
      where: { moduleId: course.moduleId, unitId: course.lessonUnitId, contentType: "lesson", language: "fr" },
    });
    expect(stored.map((row) => (row.content as { markdown: string }).markdown)).toEqual([LESSON_FR]);
  }, 300_000);
});

let clients = 0;
/** Addresses of this run only: a counter of an earlier run may still be in Redis for a minute. */
const network = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

/**
 * A multipart upload whose body the test sends when it chooses (fetch streams the request body),
 * from a client address of its own; `arrived` resolves once the API is handling it (its rate-limit
 * counter has counted it).
 */
function slowUpload(base: string, courseId: string, text: string) {
  const ip = `${network}.${++clients}`;
  const boundary = `----sira${crypto.randomUUID()}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="fiche.md"\r\nContent-Type: text/markdown\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      c.enqueue(encoder.encode(head + text.slice(0, 20)));
    },
  });
  const response = fetch(`${base}/api/v1/admin/courses/${courseId}/resources`, {
    method: "POST",
    headers: {
      ...admin.headers,
      "content-type": `multipart/form-data; boundary=${boundary}`,
      "x-forwarded-for": ip,
    },
    body,
    duplex: "half",
  } as RequestInit);
  return {
    response,
    arrived: () =>
      poll(
        () => deps.redis.get(`sira:rl:ip:${ip}`),
        (count) => count === "1",
        `upload from ${ip}`,
      ),
    finish() {
      controller.enqueue(encoder.encode(text.slice(20) + tail));
      controller.close();
    },
  };
}

describe("SIGTERM to an API process", () => {
  it("finishes the request in flight, ends open streams with a reconnect hint, and exits within its grace period", async () => {
    const course = await freshLesson();
    const [a, b] = await Promise.all([startApi(), startApi()]);
    provider.frenchReplies.push(slowly());

    const reader = await openLessonStream(a.base, learner, course);
    await reader.until((f) => f.event === "delta");
    const inFlight = slowUpload(
      a.base,
      course.courseId,
      "# Fiche\n\nLe prix d'équilibre égalise l'offre et la demande.\n",
    );
    // This one never finishes sending: the grace period ends it.
    const straggler = slowUpload(a.base, course.courseId, "# Brouillon\n\nUn envoi qui ne finit jamais.\n");
    const stragglerOutcome = straggler.response.then(
      (res) => res.status,
      () => "cut" as const,
    );
    await Promise.all([inFlight.arrived(), straggler.arrived()]);

    a.api.child.kill("SIGTERM");
    const frames = await reader.rest();
    const last = frames.at(-1);
    expect(last?.event, logs()).toBe("reconnect");
    expect(last?.retry).toBe("1000");
    expect(last?.data).toEqual({ retry_ms: 1000 });
    const offset = last?.id as string;
    const fromA = textOf(frames);
    expect(offsetOf(offset)).toBe(fromA.length);

    // The request in flight is answered once its body is in: the process keeps it to the end.
    inFlight.finish();
    const uploaded = await inFlight.response;
    expect(uploaded.status, logs()).toBe(201);

    // The learner's client reconnects where it stopped, here on the other API process.
    const resumed = await (await openLessonStream(b.base, learner, course, { lastEventId: offset })).rest();
    expect(resumed.map((f) => f.event)).not.toContain("error");
    expect(fromA + textOf(resumed)).toBe(LESSON_FR);
    expect(resumed.at(-1)?.event).toBe("done");

    // The straggler is cut when the grace period is over, and the process exits cleanly.
    expect(await stragglerOutcome).toBe("cut");
    expect(await exitWithin(a.api, Number(env.SHUTDOWN_GRACE_MS) + 20_000)).toBe(0);
    expect(a.api.output()).toContain("shutdown grace period over");
  }, 300_000);
});
