/**
 * The tutor on Claude (the real client against a local server speaking Anthropic's streaming
 * protocol) through the real API, PostgreSQL, Redis and a real BullMQ worker: an answer streamed
 * while the provider still writes it, citation markers outside the retrieved set dropped, a
 * resumed answer (Last-Event-ID), an Idempotency-Key retry, a provider error mid-answer retried on
 * the server, the key of an open quiz item refused, a client gone for good stopping the provider,
 * and the prompt built per course within its budget.
 */
import { countTokens } from "@sira/ai";
import type { QuizContent } from "@sira/contracts";
import { getQueue } from "@sira/infra";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAnthropic, startFakeAnthropic } from "../../../../packages/ai/test/anthropic-fake-server.ts";
import { storeGeneratedContent } from "../../../../packages/domain/src/content/cache.ts";
import { indexMarketText } from "../../../../packages/domain/test/content/fixtures.ts";
import { quizSource } from "../../../../packages/domain/test/quiz/fixtures.ts";
import { closeTestDeps, enrolledLearnerWorld, jsonSender, listen, SseReader, testApp } from "../helpers.ts";
import { buyCredits, moneyWorld } from "../money/world.ts";
import { startTestWorkers, type TestWorkers, until } from "../workers.ts";
import { answerText, ask, citationsOf, doneOf, type Meta, metaOf, post } from "./client.ts";
import { expectPaidMessageGivenBack } from "./refund.ts";

const fake: FakeAnthropic = await startFakeAnthropic();
const BUDGET = 2_500;
const { app, deps } = testApp({
  ANTHROPIC_API_KEY: "sk-ant-test",
  ANTHROPIC_BASE_URL: fake.url,
  ANTHROPIC_MODEL: "claude-test-model",
  SSE_COALESCE_MS: "0",
  // Long enough that a loaded machine opens the stream before the answer counts as abandoned.
  TUTOR_ABANDON_AFTER_MS: "3000",
  TUTOR_PROMPT_BUDGET_TOKENS: String(BUDGET),
});
const send = jsonSender(app, "tutor-claude");
let workers: TestWorkers;
const world = enrolledLearnerWorld(deps);

/** Memory and summary requests are answered by content; tutor answers come from `fake.replies`. */
const isTutorRequest = (system: string) => system.includes("tutor of the course");

/** A real port: the tests where the client leaves need a socket to close. */
let base: string;
beforeAll(async () => {
  workers = startTestWorkers(deps);
  base = await listen(app);
});
beforeEach(async () => {
  await getQueue("tutor", { prefix: deps.config.QUEUE_PREFIX }).obliterate({ force: true });
  fake.requests.length = 0;
  fake.replies.length = 0;
  fake.route = (body) => (isTutorRequest(body.system) ? null : { text: '{"goals": [], "misconceptions": []}' });
  await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
});
afterAll(async () => {
  await workers.stop();
  await closeTestDeps();
  await fake.close();
});

const tutorRequests = () => fake.requests.filter((r) => isTutorRequest(r.body.system));
/** The tutor_message usage event of an answer (its metadata). */
async function usageOf(answerId: string): Promise<Record<string, unknown>> {
  const events = await deps.db.usageEvent.findMany({ where: { kind: "tutor_message" } });
  const mine = events.map((e) => e.metadata as Record<string, unknown>).filter((m) => m.answer_id === answerId);
  expect(mine).toHaveLength(1);
  return mine[0] as Record<string, unknown>;
}
/** What the provider billed for these tokens, in micro-dollars. */
const costOf = (tokensIn: number, tokensOut: number) =>
  Math.round(tokensIn * deps.config.AI_INPUT_PRICE_PER_MTOK_USD + tokensOut * deps.config.AI_OUTPUT_PRICE_PER_MTOK_USD);
const question = (message: string) => ({ course_id: world.course.courseId, message });
const ANSWER =
  "Le prix d'équilibre est celui où la quantité offerte égale la quantité demandée [1]. " +
  "Quand la demande augmente, il monte [2]. Un marché sans vendeurs n'existe pas [42].";

describe("a tutor answer from Claude", () => {
  it("streams while the provider is still writing, and a client gone for good stops it (kept as incomplete)", async () => {
    fake.replies.push({ hangAfter: "Le prix d'équilibre égalise l'offre et la demande [1]. " });
    const controller = new AbortController();
    const res = await post(base, world.learner, question("Qu'est-ce que le prix d'équilibre ?"), {
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = new SseReader(res.body);
    const meta = (await reader.until((f) => f.event === "meta")).data as Meta;
    const first = await reader.until((f) => f.event === "delta");
    expect((first.data as { text: string }).text).toContain("Le prix d'équilibre");
    expect(reader.frames.some((f) => f.event === "done")).toBe(false);

    controller.abort();
    await fake.closed; // the worker aborted the provider's request once nobody listened
    const stored = await until(
      () => deps.db.tutorMessage.findUniqueOrThrow({ where: { id: meta.answer_id } }),
      (m) => m.status !== "streaming",
    );
    expect(stored.status).toBe("incomplete");
    expect(stored.content).toBe("Le prix d'équilibre égalise l'offre et la demande [1]. ");
    const replay = await new SseReader(
      (await send(world.learner, "GET", `/api/v1/tutor/answers/${meta.answer_id}/stream`)).body,
    ).rest();
    expect(answerText(replay)).toBe(stored.content);
    expect(doneOf(replay)?.status).toBe("incomplete");
  });

  it("drops citation markers outside the retrieved set, in the stream and in what is stored", async () => {
    fake.replies.push({ text: ANSWER, deltaSize: 3 });
    const frames = await ask(app, world.learner, question("Qu'est-ce que le prix d'équilibre ?"));
    const text = answerText(frames);
    expect(text).toContain("[1]");
    expect(text).toContain("[2]");
    expect(text).not.toContain("[42]");
    expect(citationsOf(frames).map((s) => s.n)).toEqual([1, 2]);
    const stored = await deps.db.tutorMessage.findUniqueOrThrow({ where: { id: metaOf(frames).answer_id } });
    expect(stored).toMatchObject({ content: text, model: "claude-test-model", status: "complete" });
    expect(stored.outputTokens).toBe(50);
  });

  it("resumes a dropped answer from Last-Event-ID: the two parts make the stored answer", async () => {
    fake.replies.push({ text: ANSWER, deltaSize: 4, delayMs: 15 });
    const controller = new AbortController();
    const res = await post(base, world.learner, question("Qu'est-ce que le prix d'équilibre ?"), {
      signal: controller.signal,
    });
    const reader = new SseReader(res.body);
    const meta = (await reader.until((f) => f.event === "meta")).data as Meta;
    await reader.until((f) => f.event === "delta" && Number(f.id) > 20);
    const held = [...reader.frames];
    const received = answerText(held);
    const lastId = held.filter((f) => f.event === "delta").at(-1)?.id as string;
    expect(Number(lastId)).toBe(received.length);
    controller.abort();

    const resumed = await fetch(`${base}${meta.stream_url}`, {
      headers: { ...world.learner.headers, "last-event-id": lastId },
    });
    const rest = await new SseReader(resumed.body).rest();
    expect(metaOf(rest).answer_id).toBe(meta.answer_id);
    const stored = await deps.db.tutorMessage.findUniqueOrThrow({ where: { id: meta.answer_id } });
    // As a client assembles it: a `meta {reset}` in the resumed stream (the answer was stored before
    // its `done` reached the stream, so the stored text replays whole) voids what it held.
    expect(answerText([...held, ...rest])).toBe(stored.content);
    expect(stored.content).not.toContain("[42]");
    expect(tutorRequests()).toHaveLength(1);
  });

  it("answers an Idempotency-Key retry from the same answer without asking Claude again", async () => {
    fake.replies.push({ text: ANSWER });
    const key = "claude-retry-0001";
    const first = await ask(app, world.learner, question("Qu'est-ce que le prix d'équilibre ?"), { key });
    const retry = await ask(app, world.learner, question("Qu'est-ce que le prix d'équilibre ?"), { key });
    expect(metaOf(retry).answer_id).toBe(metaOf(first).answer_id);
    expect(answerText(retry)).toBe(answerText(first));
    expect(tutorRequests()).toHaveLength(1);
  });

  it("retries a provider error mid-answer on the server: the client gets meta {reset} then the new answer", async () => {
    fake.replies.push(
      { streamError: { type: "overloaded_error", message: "Overloaded" }, textBefore: "Le prix d'équi", delayMs: 400 },
      { text: ANSWER },
    );
    const frames = await ask(app, world.learner, question("Qu'est-ce que le prix d'équilibre ?"));
    const resetAt = frames.findIndex((f) => f.event === "meta" && (f.data as { reset?: boolean }).reset);
    expect(resetAt).toBeGreaterThan(0);
    expect(frames.slice(0, resetAt).some((f) => f.event === "delta")).toBe(true);
    expect(frames.some((f) => f.event === "error")).toBe(false);
    const stored = await deps.db.tutorMessage.findUniqueOrThrow({ where: { id: metaOf(frames).answer_id } });
    expect(answerText(frames)).toBe(stored.content);
    expect(stored.content.startsWith("Le prix d'équilibre est celui")).toBe(true);
    expect(tutorRequests()).toHaveLength(2);
    // Both attempts were billed: the failed one's start (10 in, 1 out) and the answer (100 in, 50 out).
    expect(await usageOf(stored.id)).toMatchObject({
      status: "complete",
      tokens_in: 110,
      tokens_out: 51,
      cost_micros: costOf(110, 51),
    });
  });

  it("fails cleanly and gives the message back when the retry fails too", async () => {
    const before = (await (await send(world.learner, "GET", "/api/v1/tutor/remaining")).json()) as { used: number };
    fake.replies.push(
      { streamError: { type: "overloaded_error", message: "Overloaded" } },
      { status: 400, errorType: "invalid_request_error", message: "bad" },
    );
    const frames = await ask(app, world.learner, question("Qu'est-ce que le prix d'équilibre ?"));
    expect(frames.at(-1)).toMatchObject({ event: "error", data: { code: "GENERATION_FAILED" } });
    const after = (await (await send(world.learner, "GET", "/api/v1/tutor/remaining")).json()) as { used: number };
    expect(after.used).toBe(before.used);
    const stored = await deps.db.tutorMessage.findUniqueOrThrow({ where: { id: metaOf(frames).answer_id } });
    expect(stored.status).toBe("failed");
    // Given back to the learner, but the first attempt was billed before its error.
    expect(await usageOf(stored.id)).toMatchObject({
      status: "failed",
      tokens_in: 10,
      tokens_out: 1,
      cost_micros: costOf(10, 1),
    });
  });

  it("records nothing billed for a failed answer the provider refused outright", async () => {
    fake.replies.push(
      { status: 400, errorType: "invalid_request_error", message: "bad" },
      { status: 400, errorType: "invalid_request_error", message: "bad" },
    );
    const frames = await ask(app, world.learner, question("Qu'est-ce que le prix d'équilibre ?"));
    expect(frames.at(-1)).toMatchObject({ event: "error", data: { code: "GENERATION_FAILED" } });
    const usage = await usageOf(metaOf(frames).answer_id);
    expect(usage).toMatchObject({ status: "failed" });
    expect(usage).not.toHaveProperty("tokens_in");
    expect(usage).not.toHaveProperty("cost_micros");
  });

  it("gives back an answer left before its first word, and records the tokens the provider billed for it", async () => {
    const before = (await (await send(world.learner, "GET", "/api/v1/tutor/remaining")).json()) as { used: number };
    fake.replies.push({ hangAfter: "" });
    const controller = new AbortController();
    const res = await post(base, world.learner, question("Qu'est-ce que le prix d'équilibre ?"), {
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const meta = (await new SseReader(res.body).until((f) => f.event === "meta")).data as Meta;
    await until(
      async () => tutorRequests().length,
      (n) => n === 1,
    );
    controller.abort();
    const stored = await until(
      () => deps.db.tutorMessage.findUniqueOrThrow({ where: { id: meta.answer_id } }),
      (m) => m.status !== "streaming",
    );
    expect(stored.status).toBe("failed");
    const after = (await (await send(world.learner, "GET", "/api/v1/tutor/remaining")).json()) as { used: number };
    expect(after.used).toBe(before.used);
    expect(await usageOf(meta.answer_id)).toMatchObject({
      status: "failed",
      tokens_in: 10,
      tokens_out: 1,
      cost_micros: costOf(10, 1),
    });
  });

  it("gives a paid message its credits back when its answer fails", async () => {
    const money = await moneyWorld(deps, send);
    await send(money.admin, "PUT", "/api/v1/admin/settings/tutor.free_daily_messages", { value: 0 });
    await send(world.learner, "PUT", "/api/v1/tutor/payment", { pay_beyond_limit: true });
    await buyCredits(deps, send, world.learner, money.packageId);
    fake.replies.push(
      { streamError: { type: "overloaded_error", message: "Overloaded" } },
      { status: 400, errorType: "invalid_request_error", message: "bad" },
    );
    const frames = await ask(app, world.learner, question("Qu'est-ce que le prix d'équilibre ?"));
    expect(frames.at(-1)).toMatchObject({ event: "error", data: { code: "GENERATION_FAILED" } });
    await expectPaidMessageGivenBack(deps, send, world.learner, 1100);
  });

  it("builds the prompt for the course, learner and sources, within its token budget", async () => {
    fake.replies.push({ text: ANSWER });
    await ask(app, world.learner, question("Qu'est-ce que le prix d'équilibre ?"));
    const [request] = tutorRequests();
    const body = request?.body;
    expect(body?.model).toBe("claude-test-model");
    expect(body?.system).toContain("Économie de marché");
    expect(body?.system).toContain("French");
    expect(body?.system).toContain("Senegal");
    const last = body?.messages.at(-1)?.content ?? "";
    expect(last).toContain("<sources>");
    expect(last).toContain("la quantité offerte est égale à la quantité demandée");
    expect(last).toContain("Qu'est-ce que le prix d'équilibre ?");
    const tokens =
      countTokens(body?.system ?? "") + (body?.messages ?? []).reduce((n, m) => n + countTokens(m.content), 0);
    expect(tokens).toBeLessThanOrEqual(BUDGET);
  });
});

/** A generated quiz whose every question asks for the equilibrium price, so the first one served is that. */
function equilibriumQuiz(): QuizContent {
  return {
    questions: Array.from({ length: 10 }, (_, i) => ({
      question: `Comment appelle-t-on le prix auquel la quantité offerte est égale à la quantité demandée (${i + 1}) ?`,
      options: [
        `Le prix plafond ${i + 1}`,
        "Le prix d'équilibre",
        `Le prix de gros ${i + 1}`,
        `Le prix plancher ${i + 1}`,
      ],
      correct_index: 1,
      explanation: "C'est le prix d'équilibre, où l'offre rencontre la demande.",
      source: 1,
      difficulty: (i % 5) + 1,
      type: "recall" as const,
      concept: `Prix d'équilibre ${i + 1}`,
    })),
  };
}

describe("the open quiz", () => {
  it("never receives the key of its current item from the tutor, even when the model writes it", async () => {
    await storeGeneratedContent(
      deps.db,
      { moduleId: world.course.moduleId, unitId: null, contentType: "quiz", language: "fr", level: 1, country: "SN" },
      { content: equilibriumQuiz(), sourcesCited: [quizSource()], model: "claude-test-model", metadata: {} },
    );
    const started = await send(world.learner, "GET", `/api/v1/modules/${world.course.moduleId}/quiz`, undefined, "fr");
    const state = (await started.json()) as { question: { stem: string } };
    expect(state.question.stem).toContain("quantité offerte est égale à la quantité demandée");

    fake.replies.push({
      text: "Bonne question ! La réponse est le prix d'équilibre [1], car l'offre y égale la demande.",
      deltaSize: 5,
    });
    const frames = await ask(app, world.learner, question(state.question.stem));
    const text = answerText(frames);
    expect(text.toLowerCase()).not.toContain("prix d'équilibre");
    expect(text).toContain("quiz");
    const stored = await deps.db.tutorMessage.findUniqueOrThrow({ where: { id: metaOf(frames).answer_id } });
    expect(stored.content).toBe(text);
    const prompt = tutorRequests()[0]?.body.messages.at(-1)?.content ?? "";
    for (const option of ["Le prix plafond", "Le prix d'équilibre", "Le prix de gros", "Le prix plancher"]) {
      expect(prompt).toContain(option);
    }
    expect(prompt).not.toContain("C'est le prix d'équilibre, où l'offre rencontre la demande.");
  });
});

describe("memory after a turn", () => {
  it("is written from Claude's reading of the turn", async () => {
    fake.route = (body) =>
      isTutorRequest(body.system)
        ? null
        : body.system.includes("short notes")
          ? { text: '{"goals": ["Réussir l\'examen du BAC"], "misconceptions": [], "preferences": ["Des exemples"]}' }
          : { text: "Plus tôt : le prix d'équilibre." };
    fake.replies.push({ text: ANSWER });
    await ask(app, world.learner, question("Je prépare le BAC : qu'est-ce que le prix d'équilibre ?"));
    const memory = await until(
      async () =>
        (await (await send(world.learner, "GET", `/api/v1/tutor/memory/${world.course.courseId}`)).json()) as {
          goals: string[];
          preferences: string[];
        },
      (m) => m.goals.length > 0,
    );
    expect(memory).toMatchObject({ goals: ["Réussir l'examen du BAC"], preferences: ["Des exemples"] });
  });
});
