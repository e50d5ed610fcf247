/**
 * Answers in flight per learner, through the real API, PostgreSQL and Redis, with no worker (every
 * answer stays pending until the test runs its job with the worker's own processor): of many
 * questions asked at once over tRPC (no stream slot) only TUTOR_MAX_ANSWERS_IN_FLIGHT are taken
 * and charged; the others are refused 429 TUTOR_ANSWERS_PENDING with Retry-After, before anything
 * is counted. A keyed retry of an accepted question still replays, and an answered one frees its place.
 */
import { getQueue } from "@sira/infra";
import type { TRPCError } from "@trpc/server";
import type { Processor } from "bullmq";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { enroll, indexMarketText } from "../../../../packages/domain/test/content/fixtures.ts";
import { processors } from "../../../worker/src/processors.ts";
import { closeTestDeps, enrolledLearnerWorld, jsonSender, type SignedIn, signIn, testApp } from "../helpers.ts";
import { callerAs } from "../trpc-caller.ts";
import { post } from "./client.ts";

const { app, deps } = testApp({ SSE_COALESCE_MS: "0" });
const send = jsonSender(app, "tutor-pending");
const world = enrolledLearnerWorld(deps);
const queue = () => getQueue("tutor", { prefix: deps.config.QUEUE_PREFIX });
const answer = processors({ ...deps }).tutor as Processor;
const CAP = deps.config.TUTOR_MAX_ANSWERS_IN_FLIGHT;

beforeEach(async () => {
  await queue().obliterate({ force: true });
  await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
});
afterAll(closeTestDeps);

const question = (message: string) => ({ course_id: world.course.courseId, message });

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
  const res = await send(user, "GET", "/api/v1/tutor/remaining");
  return ((await res.json()) as { used: number }).used;
}

/** Writes the answer as the worker would: its queued job run by the worker's processor. */
async function answered(answerId: string): Promise<void> {
  const job = await queue().getJob(`tutor-answer-${answerId}`);
  if (!job) throw new Error("the answer's job was not queued");
  await answer(job);
  expect((await deps.db.tutorMessage.findUniqueOrThrow({ where: { id: answerId } })).status).toBe("complete");
}

describe("answers in flight per learner", () => {
  it("takes only the cap of ten questions asked at once, and charges only those", async () => {
    expect(CAP).toBe(3);
    const caller = await callerAs(deps, world.learner);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => caller.tutor.ask(question(`Prix d'équilibre, question ${i} ?`))),
    );
    const taken = results.filter((r) => r.status === "fulfilled");
    expect(taken).toHaveLength(CAP);
    for (const r of results) {
      if (r.status === "rejected") expect(await failure(Promise.reject(r.reason))).toBe("TUTOR_ANSWERS_PENDING");
    }
    expect(await used()).toBe(CAP);
    expect(await deps.db.tutorMessage.count({ where: { role: "user" } })).toBe(CAP);
    expect(await queue().count()).toBe(CAP);

    // Another learner is not held back by this one.
    const other = await signIn(deps, { role: "learner", country: "SN" });
    await enroll(deps.db, other.userId, world.course.courseId);
    const theirs = await callerAs(deps, other);
    await expect(theirs.tutor.ask(question("Qu'est-ce que le prix d'équilibre ?"))).resolves.toMatchObject({
      replayed: false,
    });
  });

  it("answers 429 with Retry-After in the learner's language over REST, before counting the message", async () => {
    const caller = await callerAs(deps, world.learner);
    for (let i = 0; i < CAP; i++) await caller.tutor.ask(question(`Question ${i} sur le prix ?`));
    const fr = await post(app, world.learner, question("Et l'élasticité ?"), { lang: "fr" });
    expect(fr.status).toBe(429);
    const body = (await fr.json()) as { code: string; detail: string; retry_after: number };
    expect(body.code).toBe("TUTOR_ANSWERS_PENDING");
    expect(body.detail).toContain("répond encore");
    expect(body.retry_after).toBeGreaterThan(0);
    expect(fr.headers.get("retry-after")).toBe(String(body.retry_after));
    const en = await post(app, world.learner, question("And elasticity?"), { lang: "en" });
    expect(en.status).toBe(429);
    expect(((await en.json()) as { detail: string }).detail).toContain("still answering");
    expect(await used()).toBe(CAP);
    expect(await deps.db.tutorMessage.count({ where: { role: "user" } })).toBe(CAP);
  });

  it("still replays a keyed retry of an accepted question at the cap, and an answer written frees a place", async () => {
    const caller = await callerAs(deps, world.learner);
    const first = await caller.tutor.ask({
      ...question("Qu'est-ce que le prix d'équilibre ?"),
      idempotency_key: "pending-0001",
    });
    for (let i = 1; i < CAP; i++) await caller.tutor.ask(question(`Question ${i} sur le prix ?`));

    // The same key through REST reaches the domain's replay (tRPC's stored answer would hide it).
    const retry = await post(app, world.learner, question("Qu'est-ce que le prix d'équilibre ?"), {
      key: "pending-0001",
    });
    expect(retry.status).toBe(200);
    await retry.body?.cancel();
    expect(await failure(caller.tutor.ask(question("Encore une ?")))).toBe("TUTOR_ANSWERS_PENDING");
    expect(await used()).toBe(CAP);

    await answered(first.answer_id);
    await expect(caller.tutor.ask(question("Et maintenant ?"))).resolves.toMatchObject({ replayed: false });
    expect(await used()).toBe(CAP + 1);
  });
});
