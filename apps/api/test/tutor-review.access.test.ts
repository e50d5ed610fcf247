/**
 * Who may read and continue a tutor conversation, through the real API, PostgreSQL, Redis and the
 * worker's own processor run on the queued job: a learner who left the course keeps the list of
 * their conversations and may delete them, and may clear the tutor's memory of them, but no longer
 * reads the answers drawn from the course; an Idempotency-Key answers only for the course and conversation it was first used with.
 */
import { getQueue } from "@sira/infra";
import type { Job, Processor } from "bullmq";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { enroll, indexMarketText, makeCourse } from "../../../packages/domain/test/content/fixtures.ts";
import { processors } from "../../worker/src/processors.ts";
import { closeTestDeps, enrolledLearnerWorld, jsonSender, SseReader, testApp } from "./helpers.ts";
import { answerText, ask, type Meta, metaOf, post } from "./tutor/client.ts";

const { app, deps } = testApp({ SSE_COALESCE_MS: "0" });
const send = jsonSender(app, "tutor-review-access");
const world = enrolledLearnerWorld(deps);
const queue = () => getQueue("tutor", { prefix: deps.config.QUEUE_PREFIX });
const answer = processors({ ...deps }).tutor as Processor;

beforeEach(async () => {
  // No worker runs here: each job waits in the queue until the test runs it.
  await queue().obliterate({ force: true });
  await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
});
afterAll(closeTestDeps);

const QUESTION = "Qu'est-ce que le prix d'équilibre ?";

/** Asks over the API and lets the worker answer; the answer's meta and its text. */
async function answered(courseId = world.course.courseId, key?: string): Promise<{ meta: Meta; text: string }> {
  const res = await post(app, world.learner, { course_id: courseId, message: QUESTION }, key ? { key } : {});
  expect(res.status).toBe(200);
  const stream = new SseReader(res.body);
  const meta = (await stream.until((f) => f.event === "meta")).data as Meta;
  await answer((await queue().getJob(`tutor-answer-${meta.answer_id}`)) as Job);
  return { meta, text: answerText(await stream.rest()) };
}

describe("a conversation in a course the learner left", () => {
  it("is listed and can be deleted, but its answers are read no more", async () => {
    const { meta, text } = await answered();
    expect(text).toContain("la quantité offerte est égale à la quantité demandée");
    const history = `/api/v1/tutor/conversations/${meta.conversation_id}`;
    const stream = `/api/v1/tutor/answers/${meta.answer_id}/stream`;
    expect((await send(world.learner, "GET", history)).status).toBe(200);

    const left = await send(world.learner, "POST", `/api/v1/courses/${world.course.courseId}/unenroll`);
    expect(left.status).toBe(200);

    const read = await send(world.learner, "GET", history);
    expect(read.status).toBe(403);
    expect(await read.json()).toMatchObject({ code: "NOT_ENROLLED" });
    const since = await send(world.learner, "GET", `${history}?since=${encodeURIComponent("2020-01-01T00:00:00Z")}`);
    expect(since.status).toBe(403);
    const replay = await send(world.learner, "GET", stream);
    expect(replay.status).toBe(403);
    expect(await replay.text()).not.toContain("quantité offerte");
    const again = await post(app, world.learner, {
      course_id: world.course.courseId,
      conversation_id: meta.conversation_id,
      message: QUESTION,
    });
    expect(again.status).toBe(403);

    const list = await send(world.learner, "GET", "/api/v1/tutor/conversations");
    expect(((await list.json()) as { items: { id: string }[] }).items.map((c) => c.id)).toEqual([meta.conversation_id]);
    expect((await send(world.learner, "DELETE", history)).status).toBe(204);
  });
});

describe("the tutor's memory in a course the learner left", () => {
  it("can still be cleared by the learner", async () => {
    const res = await post(app, world.learner, {
      course_id: world.course.courseId,
      message: "Je veux réussir mon examen de fin d'année. Peux-tu m'expliquer plus simplement le prix d'équilibre ?",
    });
    const stream = new SseReader(res.body);
    const meta = (await stream.until((f) => f.event === "meta")).data as Meta;
    await answer((await queue().getJob(`tutor-answer-${meta.answer_id}`)) as Job);
    await answer((await queue().getJob(`tutor-memory-${meta.answer_id}`)) as Job);
    await stream.rest();
    expect(await deps.db.learnerMemory.count({ where: { userId: world.learner.userId } })).toBe(1);

    await send(world.learner, "POST", `/api/v1/courses/${world.course.courseId}/unenroll`);
    const memory = `/api/v1/tutor/memory/${world.course.courseId}`;
    expect((await send(world.learner, "GET", memory)).status).toBe(403);
    expect((await send(world.learner, "DELETE", memory)).status).toBe(204);
    expect(await deps.db.learnerMemory.count({ where: { userId: world.learner.userId } })).toBe(0);
    // With nothing to forget, a course the learner cannot read is refused as before.
    expect((await send(world.learner, "DELETE", memory)).status).toBe(403);
    expect((await send(world.learner, "DELETE", `/api/v1/tutor/memory/${crypto.randomUUID()}`)).status).toBe(404);
  });
});

describe("an Idempotency-Key used again", () => {
  it("is refused (422) for another course, not answered with the first course's answer", async () => {
    const other = await makeCourse(deps.db);
    await enroll(deps.db, world.learner.userId, other.courseId);
    const key = "tutor-review-key-0001";
    const first = await answered(world.course.courseId, key);

    const elsewhere = await post(app, world.learner, { course_id: other.courseId, message: QUESTION }, { key });
    expect(elsewhere.status).toBe(422);
    expect(await elsewhere.json()).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });

    // In its own course it still replays the same answer.
    const retry = await ask(app, world.learner, { course_id: world.course.courseId, message: QUESTION }, { key });
    expect(metaOf(retry).answer_id).toBe(first.meta.answer_id);
  });

  it("is refused (422) for another conversation of the same course", async () => {
    const first = await answered();
    const key = "tutor-review-key-0002";
    const second = await answered(world.course.courseId, key);
    expect(second.meta.conversation_id).not.toBe(first.meta.conversation_id);
    const res = await post(
      app,
      world.learner,
      { course_id: world.course.courseId, conversation_id: first.meta.conversation_id, message: QUESTION },
      { key },
    );
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
  });
});
