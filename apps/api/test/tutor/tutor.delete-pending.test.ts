/**
 * Deleting a conversation whose answers are still pending, through the real API, PostgreSQL and
 * Redis, each answer's queued job run by the worker's own processor: the deletion is refused 409
 * TUTOR_CONVERSATION_ANSWERING (Retry-After) while an answer is being written, so the answers keep
 * their places among the learner's answers in flight (deleting no longer frees the cap for more
 * paid jobs). Once the jobs settle, the conversation goes; what was charged, given back and recorded
 * as usage is what the answers' own outcome made it, once, even when a job runs again after.
 */
import { createRetriever, type Embedder } from "@sira/ai";
import { getQueue } from "@sira/infra";
import type { TRPCError } from "@trpc/server";
import type { Job, Processor } from "bullmq";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { enroll, indexMarketText } from "../../../../packages/domain/test/content/fixtures.ts";
import { processors } from "../../../worker/src/processors.ts";
import { closeTestDeps, enrolledLearnerWorld, jsonSender, type SignedIn, signIn, testApp } from "../helpers.ts";
import { buyCredits, moneyWorld } from "../money/world.ts";
import { callerAs } from "../trpc-caller.ts";
import { expectPaidMessageGivenBack } from "./refund.ts";

const { app, deps } = testApp({ SSE_COALESCE_MS: "0" });
const send = jsonSender(app, "tutor-delete-pending");
const world = enrolledLearnerWorld(deps);
const queue = () => getQueue("tutor", { prefix: deps.config.QUEUE_PREFIX });
const CAP = deps.config.TUTOR_MAX_ANSWERS_IN_FLIGHT;

/** The embedding service refusing every request: the answer's job fails during retrieval. */
const downEmbedder: Embedder = {
  model: deps.ai.embedder.model,
  dimensions: deps.ai.embedder.dimensions,
  embed: async () => {
    throw new Error("embedding service unavailable");
  },
};
const working = processors({ ...deps }).tutor as Processor;
const failing = processors({
  ...deps,
  ai: { ...deps.ai, embedder: downEmbedder, retriever: createRetriever(deps.db, downEmbedder) },
}).tutor as Processor;

beforeEach(async () => {
  // No worker runs here: each answer's job waits in the queue until the test runs it.
  await queue().obliterate({ force: true });
  await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
});
afterAll(closeTestDeps);

const question = (message: string, conversationId?: string) => ({
  course_id: world.course.courseId,
  message,
  ...(conversationId ? { conversation_id: conversationId } : {}),
});
const conversationPath = (id: string) => `/api/v1/tutor/conversations/${id}`;

/** The stable code a procedure failed with. */
async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const cause = (error as TRPCError).cause as { code?: string } | undefined;
    return cause?.code ?? (error as TRPCError).code;
  }
  throw new Error("expected the call to fail");
}

async function used(user: SignedIn = world.learner): Promise<number> {
  return ((await (await send(user, "GET", "/api/v1/tutor/remaining")).json()) as { used: number }).used;
}

async function jobOf(answerId: string): Promise<Job> {
  const job = await queue().getJob(`tutor-answer-${answerId}`);
  if (!job) throw new Error("the answer's job was not queued");
  return job;
}

/** Runs the answer job's attempt number `attempt` (1-based) on `processor`, as BullMQ would. */
async function run(processor: Processor, answerId: string, attempt = 1): Promise<unknown> {
  const job = await jobOf(answerId);
  job.attemptsMade = attempt - 1;
  return processor(job);
}

const status = async (answerId: string) =>
  (await deps.db.tutorMessage.findUniqueOrThrow({ where: { id: answerId } })).status;

const usageOf = async (userId: string) =>
  (await deps.db.usageEvent.findMany({ where: { userId, kind: "tutor_message" } })).map(
    (u) => u.metadata as Record<string, unknown>,
  );

describe("deleting a conversation with answers in flight", () => {
  it("is refused while its answers are pending, so they keep their places; it goes once they are written", async () => {
    expect(CAP).toBe(3);
    const caller = await callerAs(deps, world.learner);
    const first = await caller.tutor.ask(question("Qu'est-ce que le prix d'équilibre ?"));
    const answers = [first.answer_id];
    for (let i = 1; i < CAP; i++) {
      answers.push((await caller.tutor.ask(question(`Question ${i} sur le prix ?`, first.conversation_id))).answer_id);
    }
    const path = conversationPath(first.conversation_id);

    // The old hole: delete, and ask three more paid questions while the first three are still written.
    const fr = await send(world.learner, "DELETE", path, undefined, "fr");
    expect(fr.status).toBe(409);
    const body = (await fr.json()) as { code: string; detail: string; retry_after: number };
    expect(body.code).toBe("TUTOR_CONVERSATION_ANSWERING");
    expect(body.detail).toContain("répond encore");
    expect(fr.headers.get("content-type")).toContain("application/problem+json");
    expect(fr.headers.get("retry-after")).toBe(String(body.retry_after));
    expect(body.retry_after).toBeGreaterThan(0);
    const en = await send(world.learner, "DELETE", path, undefined, "en");
    expect([en.status, ((await en.json()) as { detail: string }).detail]).toEqual([
      409,
      expect.stringContaining("still answering"),
    ]);
    expect(await failure(caller.tutor.deleteConversation({ id: first.conversation_id }))).toBe(
      "TUTOR_CONVERSATION_ANSWERING",
    );
    expect((await send(world.learner, "GET", path)).status).toBe(200);
    expect(await failure(caller.tutor.ask(question("Et l'élasticité ?")))).toBe("TUTOR_ANSWERS_PENDING");
    expect(await used()).toBe(CAP);
    expect(await queue().count()).toBe(CAP);

    // Written by the worker: each answer is recorded once, and the conversation may go.
    for (const id of answers) await run(working, id);
    for (const id of answers) expect(await status(id)).toBe("complete");
    expect((await send(world.learner, "DELETE", path)).status).toBe(204);
    expect((await send(world.learner, "GET", path)).status).toBe(404);
    expect(await used()).toBe(CAP); // deleting gives nothing back: the answers were given
    const usage = await usageOf(world.learner.userId);
    expect(usage.map((u) => [u.answer_id, u.status]).sort()).toEqual(answers.map((id) => [id, "complete"]).sort());

    // The jobs run again (found stalled) find nothing left to write, record nothing twice, and do not fail.
    for (const id of answers) await expect(run(working, id)).resolves.toBeUndefined();
    expect(await usageOf(world.learner.userId)).toHaveLength(CAP);
    await expect(caller.tutor.ask(question("Et maintenant ?"))).resolves.toMatchObject({ replayed: false });
    expect(await used()).toBe(CAP + 1);
  });

  it("waits only for its own answers, and answers 404 to anyone but the owner", async () => {
    const caller = await callerAs(deps, world.learner);
    const answered = await caller.tutor.ask(question("Qu'est-ce que le prix d'équilibre ?"));
    await run(working, answered.answer_id);
    const pending = await caller.tutor.ask(question("Que se passe-t-il quand la demande augmente ?"));
    expect(pending.conversation_id).not.toBe(answered.conversation_id);

    const other = await signIn(deps, { role: "learner", country: "SN" });
    await enroll(deps.db, other.userId, world.course.courseId);
    expect((await send(other, "DELETE", conversationPath(pending.conversation_id))).status).toBe(404);
    expect((await send(world.learner, "DELETE", conversationPath(pending.conversation_id))).status).toBe(409);
    expect((await send(world.learner, "DELETE", conversationPath(answered.conversation_id))).status).toBe(204);
  });

  it("gives a paid answer that failed its credits back once, before and after the conversation goes", async () => {
    const money = await moneyWorld(deps, send);
    await send(money.admin, "PUT", "/api/v1/admin/settings/tutor.free_daily_messages", { value: 0 });
    await send(world.learner, "PUT", "/api/v1/tutor/payment", { pay_beyond_limit: true });
    await buyCredits(deps, send, world.learner, money.packageId);
    const caller = await callerAs(deps, world.learner);
    const turn = await caller.tutor.ask(question("Qu'est-ce que le prix d'équilibre ?"));
    const path = conversationPath(turn.conversation_id);
    const balance = async () =>
      ((await (await send(world.learner, "GET", "/api/v1/credits/balance")).json()) as { balance: number }).balance;
    expect(await balance()).toBe(1098);
    expect((await send(world.learner, "DELETE", path)).status).toBe(409);

    // The job's last attempt fails: the answer is failed and its credits come back, once.
    await expect(run(failing, turn.answer_id, 5)).rejects.toThrow("embedding service unavailable");
    expect(await status(turn.answer_id)).toBe("failed");
    await expectPaidMessageGivenBack(deps, send, world.learner, 1100);
    expect((await send(world.learner, "DELETE", path)).status).toBe(204);

    // Run again after the conversation went: no crash, nothing given back twice, no usage twice.
    await expect(run(failing, turn.answer_id, 5)).resolves.toBeUndefined();
    await expectPaidMessageGivenBack(deps, send, world.learner, 1100);
    expect((await usageOf(world.learner.userId)).map((u) => [u.answer_id, u.status])).toEqual([
      [turn.answer_id, "failed"],
    ]);
  });

  it("keeps a paid answer that was written charged once after the conversation goes", async () => {
    const money = await moneyWorld(deps, send);
    await send(money.admin, "PUT", "/api/v1/admin/settings/tutor.free_daily_messages", { value: 0 });
    await send(world.learner, "PUT", "/api/v1/tutor/payment", { pay_beyond_limit: true });
    await buyCredits(deps, send, world.learner, money.packageId);
    const caller = await callerAs(deps, world.learner);
    const turn = await caller.tutor.ask(question("Qu'est-ce que le prix d'équilibre ?"));
    expect((await send(world.learner, "DELETE", conversationPath(turn.conversation_id))).status).toBe(409);

    await run(working, turn.answer_id);
    expect((await send(world.learner, "DELETE", conversationPath(turn.conversation_id))).status).toBe(204);
    await run(working, turn.answer_id);
    const res = await send(world.learner, "GET", "/api/v1/credits/balance");
    expect(((await res.json()) as { balance: number }).balance).toBe(1098);
    const rows = await deps.db.transaction.findMany({
      where: { account: { userId: world.learner.userId }, type: { in: ["tutor_usage", "refund"] } },
      select: { type: true, amount: true },
    });
    expect(rows.map((r) => [r.type, Number(r.amount)])).toEqual([["tutor_usage", -2]]);
    expect((await usageOf(world.learner.userId)).map((u) => [u.answer_id, u.status])).toEqual([
      [turn.answer_id, "complete"],
    ]);
  });
});
