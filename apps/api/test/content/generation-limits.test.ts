/**
 * What one learner can make the platform spend (decision 0028): a daily quota of new lesson
 * generations (cached lessons and generations already running never count), and country context
 * normalised to the served countries, so changing country or language cannot start unbounded
 * distinct generations.
 */
import { chargeGeneration, secondsUntilUtcMidnight } from "@sira/domain";
import { createRedis, getQueue } from "@sira/infra";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { type CacheKey, generationJobId } from "../../../../packages/domain/src/content/index.ts";
import { enroll, indexMarketText, lessonKey, sampleLesson } from "../../../../packages/domain/test/content/fixtures.ts";
import { closeTestDeps, enrolledLearnerWorld, type SignedIn, signIn, testApp } from "../helpers.ts";
import { storeOfflineLesson } from "./offline-lessons.ts";

const { app, deps } = testApp({ GENERATION_DAILY_QUOTA: "2", GENERATION_COUNTRIES: "SN,ML" });
const queue = () => getQueue("content-generation", { prefix: deps.config.QUEUE_PREFIX });
const world = enrolledLearnerWorld(deps);

beforeEach(async () => {
  await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
});
afterAll(closeTestDeps);

const lessonPath = () => `/api/v1/modules/${world.course.moduleId}/lessons/${world.course.lessonUnitId}`;
const askLesson = (user: SignedIn, lang: "fr" | "en", suffix = "") =>
  app.request(`${lessonPath()}${suffix}`, { headers: { ...user.headers, "accept-language": lang } });
const keyFor = (language: "fr" | "en", country: string): CacheKey => lessonKey(world.course, { language, country });
const jobs = () => queue().getJobCountByTypes("waiting", "active", "delayed", "prioritized");

/** The learner moves to `country` in their profile and refreshes their token, as the app does. */
async function moveTo(user: SignedIn, country: string): Promise<SignedIn> {
  const patched = await app.request("/api/v1/users/me", {
    method: "PATCH",
    headers: { ...user.headers, "content-type": "application/json" },
    body: JSON.stringify({ country }),
  });
  expect(patched.status).toBe(200);
  const refreshed = await app.request("/api/v1/auth/refresh", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ refresh_token: user.refreshToken }),
  });
  expect(refreshed.status).toBe(200);
  const tokens = (await refreshed.json()) as { access_token: string; refresh_token: string };
  return {
    ...user,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    headers: { authorization: `Bearer ${tokens.access_token}` },
  };
}

describe("the daily generation quota", () => {
  it("counts only new generations, and refuses the next one with 429 until midnight UTC", async () => {
    expect((await askLesson(world.learner, "fr")).status).toBe(202);
    expect((await askLesson(world.learner, "fr")).status).toBe(202); // already queued: free
    expect((await askLesson(world.learner, "en")).status).toBe(202);
    expect(await jobs()).toBe(2);

    const mali = await moveTo(world.learner, "ML");
    const before = Date.now();
    const refused = await askLesson(mali, "fr");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    const problem = (await refused.json()) as { code: string; retry_after: number };
    expect(problem.code).toBe("GENERATION_QUOTA_EXCEEDED");
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBe(problem.retry_after);
    expect(retryAfter).toBeLessThanOrEqual(secondsUntilUtcMidnight(new Date(before)));
    expect(retryAfter).toBeGreaterThanOrEqual(secondsUntilUtcMidnight(new Date()) - 1);
    expect(await jobs()).toBe(2);
    expect(await queue().getJob(generationJobId(keyFor("fr", "ML")))).toBeUndefined();
  });

  it("never counts a cached lesson, even past the quota", async () => {
    await askLesson(world.learner, "fr");
    await askLesson(world.learner, "en");
    await storeOfflineLesson(deps.db, keyFor("fr", "ML"), sampleLesson("M"));
    const mali = await moveTo(world.learner, "ML");
    const cached = await askLesson(mali, "fr");
    expect(cached.status).toBe(200);
    expect(await cached.json()).toMatchObject({ country_context: "ML", language: "fr" });
    const stream = await askLesson(mali, "fr", "/stream");
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    await stream.body?.cancel();
  });

  it("refuses a stream that would start a new generation with 429 before the stream opens", async () => {
    await askLesson(world.learner, "fr");
    await askLesson(world.learner, "en");
    const mali = await moveTo(world.learner, "ML");
    const res = await askLesson(mali, "fr", "/stream");
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ code: "GENERATION_QUOTA_EXCEEDED" });
  });

  it("is per learner: another learner still gets their generation", async () => {
    await askLesson(world.learner, "fr");
    await askLesson(world.learner, "en");
    const other = await signIn(deps, { role: "learner", country: "ML" });
    await enroll(deps.db, other.userId, world.course.courseId);
    expect((await askLesson(other, "fr")).status).toBe(202);
  });

  it("counts atomically across API processes: concurrent charges never pass the quota", async () => {
    const processes = [deps.redis, createRedis(deps.config.REDIS_URL), createRedis(deps.config.REDIS_URL)];
    try {
      const config = { GENERATION_DAILY_QUOTA: 5 };
      const results = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) =>
          chargeGeneration({ redis: processes[i % processes.length] ?? deps.redis, config }, world.learner.userId),
        ),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
      for (const r of results.filter((r) => r.status === "rejected")) {
        expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "GENERATION_QUOTA_EXCEEDED" });
      }
    } finally {
      for (const redis of processes.slice(1)) redis.disconnect();
    }
  });

  it("starts a new count on the next UTC day", async () => {
    const config = { GENERATION_DAILY_QUOTA: 1 };
    const evening = new Date("2026-03-01T23:59:30Z");
    await chargeGeneration({ redis: deps.redis, config }, world.learner.userId, evening);
    await expect(chargeGeneration({ redis: deps.redis, config }, world.learner.userId, evening)).rejects.toMatchObject({
      code: "GENERATION_QUOTA_EXCEEDED",
      retryAfterSeconds: 30,
    });
    await chargeGeneration({ redis: deps.redis, config }, world.learner.userId, new Date("2026-03-02T00:00:01Z"));
  });
});

describe("country context", () => {
  it("maps a country outside the served set to the first served one: no new generation", async () => {
    expect((await askLesson(world.learner, "fr")).status).toBe(202);
    const france = await moveTo(world.learner, "FR");
    expect((await askLesson(france, "fr")).status).toBe(202);
    const kenya = await moveTo(france, "KE");
    expect((await askLesson(kenya, "fr")).status).toBe(202);
    expect(await jobs()).toBe(1);
    expect(await queue().getJob(generationJobId(keyFor("fr", "SN")))).toBeDefined();
  });

  it("serves a lesson stored for the first served country to a learner from elsewhere", async () => {
    await storeOfflineLesson(deps.db, keyFor("fr", "SN"), sampleLesson("S"));
    const other = await signIn(deps, { role: "learner", country: "CA" });
    await enroll(deps.db, other.userId, world.course.courseId);
    const res = await askLesson(other, "fr");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ country_context: "SN" });
    expect(await jobs()).toBe(0);
  });
});
