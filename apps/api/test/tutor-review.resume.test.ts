/**
 * Resuming a tutor answer with Last-Event-ID once it is stored, through the real API, PostgreSQL,
 * Redis and the worker's own processor run on the queued job: the client's offset counts characters
 * of the attempt it was reading, so an answer written again by a later attempt restarts it.
 */
import type { TutorModel } from "@sira/ai";
import { answerStreamKey } from "@sira/domain";
import { getQueue } from "@sira/infra";
import type { Job, Processor } from "bullmq";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { indexMarketText } from "../../../packages/domain/test/content/fixtures.ts";
import { processors } from "../../worker/src/processors.ts";
import { closeTestDeps, enrolledLearnerWorld, type SseFrame, SseReader, testApp } from "./helpers.ts";
import { answerText, type Meta, post } from "./tutor/client.ts";

const { app, deps } = testApp({ SSE_COALESCE_MS: "0" });
const world = enrolledLearnerWorld(deps);
const queue = () => getQueue("tutor", { prefix: deps.config.QUEUE_PREFIX });

const FIRST = "Le prix d'équilibre, c'est le prix où tout ce qui ";
const SECOND = "Le prix d'équilibre égalise la quantité offerte et la quantité demandée [1].";

/** A provider whose first attempt fails after some text (once `fail` is called); the retry answers. */
function flakyTutor() {
  let fail: () => void = () => undefined;
  const failed = new Promise<void>((resolve) => {
    fail = resolve;
  });
  let calls = 0;
  const model: TutorModel = {
    model: "flaky-model",
    offline: false,
    llm: null,
    answer: async (_request, options) => {
      calls += 1;
      if (calls === 1) {
        options.onText(FIRST);
        await failed;
        throw new Error("overloaded");
      }
      options.onText(SECOND);
      return { text: SECOND, model: "flaky-model", offline: false, inputTokens: 10, outputTokens: 10, droppedTurns: 0 };
    },
  };
  return { model, fail: () => fail() };
}

beforeEach(async () => {
  await queue().obliterate({ force: true });
  await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
});
afterAll(closeTestDeps);

/** The text as a client assembles it across its connections: `meta {reset}` voids what it held. */
const assembled = (frames: SseFrame[]) => answerText(frames);

describe("resuming a stored answer", () => {
  it("restarts a client whose offset points into an earlier attempt's text", async () => {
    const flaky = flakyTutor();
    const run = processors({ ...deps, ai: { ...deps.ai, tutor: flaky.model } }).tutor as Processor;
    const res = await post(app, world.learner, {
      course_id: world.course.courseId,
      message: "Qu'est-ce que le prix d'équilibre ?",
    });
    const reader = new SseReader(res.body);
    const meta = (await reader.until((f) => f.event === "meta")).data as Meta;
    const job = run((await queue().getJob(`tutor-answer-${meta.answer_id}`)) as Job);
    const delta = await reader.until((f) => f.event === "delta");
    const held = [...reader.frames];
    expect(assembled(held)).toBe(FIRST);
    // The connection drops here; meanwhile the attempt fails and the retry writes the answer.
    flaky.fail();
    await job;
    const stored = await deps.db.tutorMessage.findUniqueOrThrow({ where: { id: meta.answer_id } });
    expect(stored).toMatchObject({ status: "complete", content: SECOND });

    const resumed = await app.request(meta.stream_url, {
      headers: { ...world.learner.headers, "last-event-id": delta.id as string },
    });
    const rest = await new SseReader(resumed.body).rest();
    expect(assembled([...held, ...rest])).toBe(SECOND);
  });

  it("still resumes an answer written in one attempt from the client's offset", async () => {
    const res = await post(app, world.learner, {
      course_id: world.course.courseId,
      message: "Qu'est-ce que le prix d'équilibre ?",
    });
    const reader = new SseReader(res.body);
    const meta = (await reader.until((f) => f.event === "meta")).data as Meta;
    await (processors({ ...deps }).tutor as Processor)((await queue().getJob(`tutor-answer-${meta.answer_id}`)) as Job);
    const whole = assembled(await reader.rest());
    const resumed = await app.request(meta.stream_url, {
      headers: { ...world.learner.headers, "last-event-id": "20" },
    });
    const rest = await new SseReader(resumed.body).rest();
    expect(rest.some((f) => f.event === "meta" && (f.data as { reset?: boolean }).reset)).toBe(false);
    expect(whole.slice(0, 20) + assembled(rest)).toBe(whole);
  });

  it("restarts a resuming client once the answer's stream has expired: its attempts are unknown", async () => {
    const res = await post(app, world.learner, {
      course_id: world.course.courseId,
      message: "Qu'est-ce que le prix d'équilibre ?",
    });
    const reader = new SseReader(res.body);
    const meta = (await reader.until((f) => f.event === "meta")).data as Meta;
    await (processors({ ...deps }).tutor as Processor)((await queue().getJob(`tutor-answer-${meta.answer_id}`)) as Job);
    const whole = assembled(await reader.rest());
    await deps.redis.del(answerStreamKey(meta.answer_id)); // as its TTL would
    const resumed = await app.request(meta.stream_url, {
      headers: { ...world.learner.headers, "last-event-id": "20" },
    });
    const rest = await new SseReader(resumed.body).rest();
    expect(rest.some((f) => f.event === "meta" && (f.data as { reset?: boolean }).reset)).toBe(true);
    expect(assembled([...rest])).toBe(whole);
  });
});
