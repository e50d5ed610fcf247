/**
 * The offline tutor through the real API, PostgreSQL, Redis and a real BullMQ worker: grounded
 * answers cited from the course's chunks, "not covered" below the relevance floor, conversations
 * (history, delta, delete), Idempotency-Key retries, daily limits (race and 429), learner memory
 * (from a turn and from a wrong quiz answer, shown and cleared), and who may ask.
 */
import { placementLevel } from "@sira/algorithms";
import { getQueue } from "@sira/infra";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { enroll, indexMarketText, MARKET_TEXT, makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { correctOptionOf, storeQuiz } from "../../../../packages/domain/test/quiz/fixtures.ts";
import {
  closeTestDeps,
  enrolledLearnerWorld,
  jsonSender,
  type SignedIn,
  SseReader,
  signIn,
  testApp,
} from "../helpers.ts";
import { callerAs } from "../trpc-caller.ts";
import { startTestWorkers, type TestWorkers, until } from "../workers.ts";
import { answerText, ask, citationsOf, doneOf, metaOf, post } from "./client.ts";

const { app, deps } = testApp({ SSE_COALESCE_MS: "0" });
const send = jsonSender(app, "tutor");
let workers: TestWorkers;
let chunkIds: string[] = [];
const world = enrolledLearnerWorld(deps);

beforeAll(() => {
  workers = startTestWorkers(deps);
});
beforeEach(async () => {
  await getQueue("tutor", { prefix: deps.config.QUEUE_PREFIX }).obliterate({ force: true });
  ({ chunkIds } = await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId));
});
afterAll(async () => {
  await workers.stop();
  await closeTestDeps();
});

const question = (message: string, extra: Record<string, string> = {}) => ({
  course_id: world.course.courseId,
  message,
  ...extra,
});

async function setFreeLimit(value: number): Promise<void> {
  const admin = await signIn(deps, { role: "admin" });
  const res = await send(admin, "PUT", "/api/v1/admin/settings/tutor.free_daily_messages", { value });
  expect(res.status).toBe(200);
}

async function remaining(user: SignedIn = world.learner) {
  const res = await send(user, "GET", "/api/v1/tutor/remaining");
  expect(res.status).toBe(200);
  return (await res.json()) as { limit: number; used: number; remaining: number; resets_at: string };
}

describe("POST /api/v1/tutor/messages (offline tutor)", () => {
  it("streams an answer drawn from the course's documents, with the passages it cites", async () => {
    const before = await remaining();
    const frames = await ask(app, world.learner, question("Qu'est-ce que le prix d'équilibre ?"));
    expect(frames[0]?.event).toBe("meta");
    const meta = metaOf(frames);
    expect(meta.messages_left).toBe(before.remaining - 1);
    const text = answerText(frames);
    expect(text).toContain("la quantité offerte est égale à la quantité demandée");
    const sources = citationsOf(frames);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(chunkIds).toContain(source.chunk_id);
      expect(text).toMatch(new RegExp(`\\[(?:\\d+, )*${source.n}(?:, \\d+)*\\]`));
    }
    expect(doneOf(frames)).toMatchObject({ answer_id: meta.answer_id, status: "complete" });

    const stored = await deps.db.tutorMessage.findUniqueOrThrow({ where: { id: meta.answer_id } });
    expect(stored).toMatchObject({ role: "assistant", status: "complete", content: text, replyToId: meta.message_id });
    expect(stored.sourcesCited).toEqual(sources);
    const usage = await deps.db.usageEvent.findMany({ where: { userId: world.learner.userId, kind: "tutor_message" } });
    expect(usage).toHaveLength(1);
    expect(usage[0]?.metadata).toMatchObject({
      answer_id: meta.answer_id,
      model: "offline-extractive",
      status: "complete",
    });
    expect((usage[0]?.metadata as { tokens_in?: number } | undefined)?.tokens_in).toBeGreaterThan(0);
  });

  it("answers in English when the learner asks in English", async () => {
    const frames = await ask(app, world.learner, question("What does price elasticity measure?"), { lang: "en" });
    const text = answerText(frames);
    expect(text).toContain("Price elasticity measures how strongly demand responds to a change in price");
    expect(text).not.toContain("D'après le cours");
  });

  it("says the course does not cover an unrelated question instead of answering it", async () => {
    const frames = await ask(app, world.learner, question("Qui a gagné la Coupe du monde de football en 2018 ?"));
    const text = answerText(frames);
    expect(citationsOf(frames)).toEqual([]);
    expect(text).toContain("ne traitent pas de cette question");
    for (const chunk of MARKET_TEXT) expect(text).not.toContain(chunk.text.slice(0, 40));
    expect(doneOf(frames)?.status).toBe("complete");
  });

  it("keeps a conversation: history pages, fields, delta sync, then deletion with a tombstone", async () => {
    const first = metaOf(await ask(app, world.learner, question("Qu'est-ce que le prix d'équilibre ?")));
    const second = metaOf(
      await ask(
        app,
        world.learner,
        question("Que se passe-t-il quand la demande augmente ?", { conversation_id: first.conversation_id }),
      ),
    );
    expect(second.conversation_id).toBe(first.conversation_id);
    const path = `/api/v1/tutor/conversations/${first.conversation_id}`;
    const history = (await (await send(world.learner, "GET", path)).json()) as {
      items: { role: string; content: string; reply_to: string | null }[];
      total: number;
    };
    expect(history.total).toBe(4);
    expect(history.items.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(history.items[3]?.reply_to).toBe(second.message_id);

    const newest = (await (await send(world.learner, "GET", `${path}?limit=2&fields=role`)).json()) as {
      items: Record<string, unknown>[];
      has_more: boolean;
    };
    expect(newest.has_more).toBe(true);
    expect(newest.items).toEqual([
      { id: second.message_id, role: "user" },
      { id: second.answer_id, role: "assistant" },
    ]);

    const since = new Date(Date.now() - 60_000).toISOString();
    const list = (await (
      await send(world.learner, "GET", `/api/v1/tutor/conversations?course_id=${world.course.courseId}`)
    ).json()) as { items: { id: string; message_count: number; title: string }[] };
    expect(list.items).toEqual([
      expect.objectContaining({
        id: first.conversation_id,
        message_count: 4,
        title: "Qu'est-ce que le prix d'équilibre ?",
      }),
    ]);

    const used = (await remaining()).used;
    expect((await send(world.learner, "DELETE", `/api/v1/tutor/conversations/${first.conversation_id}`)).status).toBe(
      204,
    );
    expect((await send(world.learner, "GET", path)).status).toBe(404);
    expect((await remaining()).used).toBe(used);
    const delta = (await (
      await send(world.learner, "GET", `/api/v1/tutor/conversations?since=${encodeURIComponent(since)}`)
    ).json()) as { items: unknown[]; deleted: { id: string; entity: string }[] };
    expect(delta.deleted).toEqual([
      expect.objectContaining({ id: first.conversation_id, entity: "tutor_conversations" }),
    ]);
  });

  it("answers an Idempotency-Key retry with the same answer, asked and counted once", async () => {
    const before = await remaining();
    const key = "tutor-retry-0001";
    const first = await ask(app, world.learner, question("Qu'est-ce que le prix d'équilibre ?"), { key });
    const retry = await ask(app, world.learner, question("Qu'est-ce que le prix d'équilibre ?"), { key });
    expect(metaOf(retry).answer_id).toBe(metaOf(first).answer_id);
    expect(answerText(retry)).toBe(answerText(first));
    expect((await remaining()).used).toBe(before.used + 1);
    const messages = await deps.db.tutorMessage.count({ where: { conversationId: metaOf(first).conversation_id } });
    expect(messages).toBe(2);
    const jobs = await deps.db.usageEvent.count({ where: { userId: world.learner.userId, kind: "tutor_message" } });
    expect(jobs).toBe(1);
    const reused = await post(app, world.learner, question("Et l'élasticité ?"), { key });
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
  });

  it("refuses a malformed Idempotency-Key and an empty or oversized message with 400", async () => {
    const bad = await post(app, world.learner, question("Bonjour ?"), { key: "short" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: "INVALID_IDEMPOTENCY_KEY" });
    expect((await post(app, world.learner, question("   "))).status).toBe(400);
    expect((await post(app, world.learner, question("x".repeat(2_001)))).status).toBe(400);
    expect((await remaining()).used).toBe(0);
  });
});

describe("tRPC tutor", () => {
  it("asks (keyed), then the answer streams from stream_url; remaining, conversations and history agree", async () => {
    const caller = await callerAs(deps, world.learner);
    const input = { course_id: world.course.courseId, message: "Qu'est-ce que le prix d'équilibre ?" };
    const turn = await caller.tutor.ask({ ...input, idempotency_key: "trpc-ask-0001" });
    expect(turn).toMatchObject({ replayed: false, stream_url: `/api/v1/tutor/answers/${turn.answer_id}/stream` });
    const again = await caller.tutor.ask({ ...input, idempotency_key: "trpc-ask-0001" });
    expect(again).toMatchObject({ replayed: true, answer_id: turn.answer_id, messages_left: turn.messages_left });

    const res = await app.request(turn.stream_url, { headers: world.learner.headers });
    const frames = await new SseReader(res.body).rest();
    expect(answerText(frames)).toContain("la quantité offerte est égale à la quantité demandée");
    expect(await caller.tutor.remaining()).toMatchObject({ used: 1, remaining: turn.messages_left });
    const list = await caller.tutor.conversations({ course_id: world.course.courseId });
    expect(list.items.map((c) => c.id)).toEqual([turn.conversation_id]);
    const history = await caller.tutor.history({ id: turn.conversation_id });
    expect(history.items.map((m) => m.id)).toEqual([turn.message_id, turn.answer_id]);
    expect(history.items[1]?.content).toBe(answerText(frames));
  });
});

describe("daily limits", () => {
  it("accept exactly one of 20 racing questions when one message is left", async () => {
    await setFreeLimit(1);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => post(app, world.learner, question(`Prix d'équilibre, question ${i} ?`))),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 429)).toHaveLength(19);
    for (const res of results) await res.body?.cancel();
    expect(await remaining()).toMatchObject({ limit: 1, used: 1, remaining: 0 });
    expect(await deps.db.tutorMessage.count({ where: { role: "user" } })).toBe(1);
  });

  it("answer 429 past the limit with retry_after and resets_at, in the learner's language", async () => {
    await setFreeLimit(1);
    await ask(app, world.learner, question("Qu'est-ce que le prix d'équilibre ?"));
    const fr = await post(app, world.learner, question("Et l'élasticité ?"), { lang: "fr" });
    expect(fr.status).toBe(429);
    const body = (await fr.json()) as { code: string; detail: string; retry_after: number; resets_at: string };
    expect(body.code).toBe("TUTOR_LIMIT_REACHED");
    expect(body.detail).toContain("messages au tuteur");
    const { resets_at } = await remaining();
    expect(body.resets_at).toBe(resets_at);
    const wait = Date.parse(body.resets_at) - Date.now();
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(86_400_000);
    expect(Math.abs(body.retry_after - wait / 1000)).toBeLessThan(5);
    expect(fr.headers.get("retry-after")).toBe(String(body.retry_after));
    const en = await post(app, world.learner, question("And elasticity?"), { lang: "en" });
    expect(((await en.json()) as { detail: string }).detail).toContain("tutor messages");

    const dashboard = (await (await send(world.learner, "GET", "/api/v1/dashboard")).json()) as {
      tutor_messages_left: number;
      tutor_daily_limit: number;
    };
    expect(dashboard).toMatchObject({ tutor_messages_left: 0, tutor_daily_limit: 1 });
  });
});

describe("learner memory", () => {
  const memoryPath = () => `/api/v1/tutor/memory/${world.course.courseId}`;
  const readMemory = async () =>
    (await (await send(world.learner, "GET", memoryPath())).json()) as {
      goals: string[];
      preferences: string[];
      misconceptions: string[];
    };

  it("is updated after a turn, shown to the learner, exported, then cleared", async () => {
    await ask(
      app,
      world.learner,
      question("Je veux réussir mon examen de fin d'année. Peux-tu m'expliquer plus simplement le prix d'équilibre ?"),
    );
    const memory = await until(readMemory, (m) => m.goals.length > 0 && m.preferences.length > 0);
    expect(memory.goals.join(" ")).toMatch(/examen/i);
    expect(memory.preferences.join(" ")).toMatch(/simpl/i);

    const exported = (await (await send(world.learner, "GET", "/api/v1/users/me/export")).json()) as {
      learner_memory: { goals: string[] }[];
    };
    expect(exported.learner_memory[0]?.goals).toEqual(memory.goals);

    expect((await send(world.learner, "DELETE", memoryPath())).status).toBe(204);
    expect(await readMemory()).toMatchObject({ goals: [], preferences: [], misconceptions: [] });
    expect(await deps.db.learnerMemory.count({ where: { userId: world.learner.userId } })).toBe(0);
  });

  it("holds the level shown by the learner's last submitted module quiz", async () => {
    await storeQuiz(deps.db, world.course.moduleId);
    const quiz = `/api/v1/modules/${world.course.moduleId}/quiz`;
    let state = (await (await send(world.learner, "GET", quiz, undefined, "fr")).json()) as {
      attempt: { id: string };
      question: { id: string } | null;
    };
    const attemptId = state.attempt.id;
    while (state.question) {
      const res = await send(world.learner, "POST", `${quiz}/answer`, {
        attempt_id: attemptId,
        item_id: state.question.id,
        selected_option: await correctOptionOf(deps.db, state.question.id),
      });
      const answered = (await res.json()) as { next_question: { id: string } | null };
      state = { attempt: { id: attemptId }, question: answered.next_question };
    }
    expect((await send(world.learner, "POST", `${quiz}/submit`, { attempt_id: attemptId })).status).toBe(200);
    const { theta } = await deps.db.quizAttempt.findUniqueOrThrow({ where: { id: attemptId } });

    await ask(app, world.learner, question("Qu'est-ce que le prix d'équilibre ?"));
    const memory = await until(
      async () => (await (await send(world.learner, "GET", memoryPath())).json()) as { level: number | null },
      (m) => m.level !== null,
    );
    expect(memory.level).toBe(placementLevel(theta));
    expect(memory.level).toBeGreaterThan(1);
  });

  it("records a misconception from a wrong quiz answer", async () => {
    await storeQuiz(deps.db, world.course.moduleId);
    const started = (await (
      await send(world.learner, "GET", `/api/v1/modules/${world.course.moduleId}/quiz`, undefined, "fr")
    ).json()) as { attempt: { id: string }; question: { id: string } };
    const key = await correctOptionOf(deps.db, started.question.id);
    const res = await send(world.learner, "POST", `/api/v1/modules/${world.course.moduleId}/quiz/answer`, {
      attempt_id: started.attempt.id,
      item_id: started.question.id,
      selected_option: (key + 1) % 4,
    });
    expect(res.status).toBe(200);
    const memory = await readMemory();
    expect(memory.misconceptions).toHaveLength(1);
    expect(memory.misconceptions[0]).toContain("Option");
  });
});

describe("the API description", () => {
  it("documents the brief's three tutor endpoints and the rest of the tutor in /openapi.json", async () => {
    const doc = (await (await app.request("/openapi.json")).json()) as { paths: Record<string, object> };
    expect(Object.keys(doc.paths["/api/v1/tutor/messages"] ?? {})).toEqual(["post"]);
    expect(doc.paths["/api/v1/tutor/conversations/{id}"]).toHaveProperty("get");
    expect(doc.paths["/api/v1/tutor/conversations/{id}"]).toHaveProperty("delete");
    expect(doc.paths["/api/v1/tutor/remaining"]).toHaveProperty("get");
    expect(doc.paths["/api/v1/tutor/conversations"]).toHaveProperty("get");
    expect(doc.paths["/api/v1/tutor/answers/{answer_id}/stream"]).toHaveProperty("get");
    expect(Object.keys(doc.paths["/api/v1/tutor/memory/{course_id}"] ?? {}).sort()).toEqual(["delete", "get"]);
  });
});

describe("who may ask", () => {
  it("refuses learners not enrolled (403), courses they cannot see (404) and others' conversations (404)", async () => {
    const stranger = await signIn(deps, { role: "learner" });
    const notEnrolled = await post(app, stranger, question("Qu'est-ce que le prix d'équilibre ?"));
    expect(notEnrolled.status).toBe(403);
    expect(await notEnrolled.json()).toMatchObject({ code: "NOT_ENROLLED" });

    const draft = await makeCourse(deps.db, { status: "draft" });
    const hidden = await post(app, world.learner, { course_id: draft.courseId, message: "Bonjour ?" });
    expect(hidden.status).toBe(404);

    const other = await makeCourse(deps.db);
    const foreignModule = await post(app, world.learner, question("Bonjour ?", { module_id: other.moduleId }));
    expect(foreignModule.status).toBe(404);

    const mine = metaOf(await ask(app, world.learner, question("Qu'est-ce que le prix d'équilibre ?")));
    const path = `/api/v1/tutor/conversations/${mine.conversation_id}`;
    expect((await send(stranger, "GET", path)).status).toBe(404);
    expect((await send(stranger, "DELETE", path)).status).toBe(404);
    expect((await send(stranger, "GET", `/api/v1/tutor/answers/${mine.answer_id}/stream`)).status).toBe(404);
    const classmate = await signIn(deps, { role: "learner" });
    await enroll(deps.db, classmate.userId, world.course.courseId);
    const intrude = await post(app, classmate, question("Bonjour ?", { conversation_id: mine.conversation_id }));
    expect(intrude.status).toBe(404);
    expect((await send(classmate, "GET", path)).status).toBe(404);
    expect((await send(stranger, "GET", `/api/v1/tutor/memory/${world.course.courseId}`)).status).toBe(403);
    expect((await app.request("/api/v1/tutor/remaining")).status).toBe(401);
  });

  it("lets the course's expert ask", async () => {
    const expert = await signIn(deps, { role: "expert" });
    await deps.db.course.update({ where: { id: world.course.courseId }, data: { expertId: expert.userId } });
    const frames = await ask(app, expert, question("Qu'est-ce que le prix d'équilibre ?"));
    expect(doneOf(frames)?.status).toBe("complete");
  });
});
