/**
 * A long conversation with the offline tutor, through the real API and worker: over 50 turns the
 * prompt never passes its token budget, although the conversation itself grows far past it,
 * because older turns are folded into a rolling summary that stays within its own limit.
 */
import { countTokens } from "@sira/ai";
import { getQueue } from "@sira/infra";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { indexMarketText } from "../../../../packages/domain/test/content/fixtures.ts";
import { closeTestDeps, enrolledLearnerWorld, jsonSender, signIn, testApp } from "../helpers.ts";
import { startTestWorkers, type TestWorkers, until } from "../workers.ts";
import { ask, metaOf } from "./client.ts";

const BUDGET = 1_200;
const SUMMARY_MAX = 200;
const { app, deps } = testApp({
  SSE_COALESCE_MS: "0",
  TUTOR_PROMPT_BUDGET_TOKENS: String(BUDGET),
  TUTOR_SUMMARY_MAX_TOKENS: String(SUMMARY_MAX),
});
let workers: TestWorkers;
const world = enrolledLearnerWorld(deps);

beforeAll(() => {
  workers = startTestWorkers(deps);
});
beforeEach(async () => {
  await getQueue("tutor", { prefix: deps.config.QUEUE_PREFIX }).obliterate({ force: true });
  await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
  const admin = await signIn(deps, { role: "admin" });
  const limit = await jsonSender(app, "summary")(admin, "PUT", "/api/v1/admin/settings/tutor.free_daily_messages", {
    value: 100,
  });
  expect(limit.status).toBe(200);
});
afterAll(async () => {
  await workers.stop();
  await closeTestDeps();
});

const TOPICS = [
  "le prix d'équilibre quand la quantité offerte est égale à la quantité demandée",
  "ce qui arrive au prix quand la demande augmente",
  "le prix du riz au marché de Sandaga à Dakar",
  "ce qui arrive au prix quand l'offre augmente",
];

describe("a 50-turn conversation", () => {
  it("keeps every prompt within its budget while older turns fold into the rolling summary", async () => {
    let conversationId: string | undefined;
    const answers: string[] = [];
    for (let turn = 1; turn <= 50; turn++) {
      const message = `Tour ${turn} : peux-tu m'expliquer encore ${TOPICS[turn % TOPICS.length]} ? Je révise pour mon devoir de la semaine.`;
      const frames = await ask(app, world.learner, {
        course_id: world.course.courseId,
        message,
        ...(conversationId ? { conversation_id: conversationId } : {}),
      });
      conversationId = metaOf(frames).conversation_id;
      answers.push(metaOf(frames).answer_id);
    }
    const stored = await deps.db.tutorMessage.findMany({
      where: { id: { in: answers } },
      select: { inputTokens: true, status: true },
    });
    expect(stored.every((m) => m.status === "complete")).toBe(true);
    const prompts = stored.map((m) => m.inputTokens ?? 0);
    expect(Math.min(...prompts)).toBeGreaterThan(0);
    expect(Math.max(...prompts)).toBeLessThanOrEqual(BUDGET);

    const messages = await deps.db.tutorMessage.findMany({ where: { conversationId }, select: { content: true } });
    const conversationTokens = messages.reduce((n, m) => n + countTokens(m.content), 0);
    expect(conversationTokens).toBeGreaterThan(3 * BUDGET);

    const conversation = await until(
      () => deps.db.tutorConversation.findUniqueOrThrow({ where: { id: conversationId as string } }),
      (c) => c.summarizedCount >= 80,
    );
    expect(conversation.summarizedCount).toBeGreaterThanOrEqual(80);
    expect(countTokens(conversation.summary ?? "")).toBeLessThanOrEqual(SUMMARY_MAX);
    expect(conversation.summary).toMatch(/Tour (3\d|4\d)/);
  }, 120_000);
});
