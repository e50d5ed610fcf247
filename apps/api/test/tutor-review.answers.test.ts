/**
 * The tutor's edges, through the real API, PostgreSQL, Redis and the worker's own processor run on
 * the queued job: a question about a course that does not exist, and an answer its learner left
 * before any text was written.
 */
import type { TutorModel } from "@sira/ai";
import { getQueue } from "@sira/infra";
import type { Job, Processor } from "bullmq";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { indexMarketText } from "../../../packages/domain/test/content/fixtures.ts";
import { processors } from "../../worker/src/processors.ts";
import { closeTestDeps, enrolledLearnerWorld, jsonSender, listen, SseReader, signIn, testApp } from "./helpers.ts";
import { type Meta, post } from "./tutor/client.ts";

const { app, deps } = testApp({ SSE_COALESCE_MS: "0", TUTOR_ABANDON_AFTER_MS: "400" });
const send = jsonSender(app, "tutor-review");
const world = enrolledLearnerWorld(deps);
const queue = () => getQueue("tutor", { prefix: deps.config.QUEUE_PREFIX });

/** A provider that has not sent its first token when the request is aborted. */
const silentTutor: TutorModel = {
  model: "silent-model",
  offline: false,
  llm: null,
  answer: (_request, options) =>
    new Promise((_, reject) => {
      options.signal?.addEventListener("abort", () => reject(options.signal?.reason), { once: true });
    }),
};
const silent = processors({ ...deps, ai: { ...deps.ai, tutor: silentTutor } }).tutor as Processor;

let base = "";
beforeAll(async () => {
  base = await listen(app);
});
beforeEach(async () => {
  // No worker runs here: each job waits in the queue until the test runs it.
  await queue().obliterate({ force: true });
  await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
});
afterAll(closeTestDeps);

async function used(): Promise<number> {
  const res = await send(world.learner, "GET", "/api/v1/tutor/remaining");
  expect(res.status).toBe(200);
  return ((await res.json()) as { used: number }).used;
}

describe("asking the tutor", () => {
  it("answers 404 to a staff member asking about a course that does not exist", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const res = await post(app, admin, { course_id: crypto.randomUUID(), message: "Bonjour ?" });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("a learner who leaves before the answer's first word", () => {
  it("is not charged for the empty answer: it fails, the message comes back, and a reconnect says so", async () => {
    const leave = new AbortController();
    const res = await post(
      base,
      world.learner,
      { course_id: world.course.courseId, message: "Qu'est-ce que le prix d'équilibre ?" },
      { signal: leave.signal },
    );
    expect(res.status).toBe(200);
    const stream = new SseReader(res.body);
    const meta = (await stream.until((f) => f.event === "meta")).data as Meta;
    expect(await used()).toBe(1);
    leave.abort();
    await stream.rest().catch(() => null);

    // The job runs with nobody listening: the provider is stopped before it wrote anything.
    const job = (await queue().getJob(`tutor-answer-${meta.answer_id}`)) as Job;
    await silent(job);

    const answer = await deps.db.tutorMessage.findUniqueOrThrow({ where: { id: meta.answer_id } });
    expect(answer).toMatchObject({ status: "failed", content: "" });
    expect(await used()).toBe(0);
    const again = await send(world.learner, "GET", `/api/v1/tutor/answers/${meta.answer_id}/stream`);
    expect((await new SseReader(again.body).rest()).at(-1)).toMatchObject({
      event: "error",
      data: { code: "GENERATION_FAILED" },
    });
  });
});
