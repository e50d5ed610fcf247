/**
 * The generated_content cache on the real database and Redis: one row per key however many
 * writers race, module-level keys (unit_id null) unique too, the hot copy in Redis, and
 * regeneration applying once per version.
 */

import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  findCachedContent,
  invalidateHotCopy,
  replaceGeneratedContent,
  storeGeneratedContent,
} from "../../src/content/cache.ts";
import { type CacheKey, hotCacheKey } from "../../src/content/cache-key.ts";
import { contentDeps } from "./deps.ts";
import { makeCourse, sampleLesson, sampleSource } from "./fixtures.ts";

const deps = contentDeps();
beforeEach(async () => {
  await truncateAll(process.env.DATABASE_URL as string);
  await deps.redis.flushdb();
});
afterAll(() => deps.close());

const payload = (marker: string) => ({
  content: sampleLesson(marker),
  sourcesCited: [sampleSource()],
  model: "offline-extractive",
  metadata: { offline: true },
});

async function lessonKey(): Promise<CacheKey> {
  const course = await makeCourse(deps.db);
  return {
    moduleId: course.moduleId,
    unitId: course.lessonUnitId,
    contentType: "lesson",
    language: "fr",
    level: 2,
    country: "SN",
  };
}

describe("storeGeneratedContent", () => {
  it("writes a key once: concurrent writers all get the first row", async () => {
    const key = await lessonKey();
    const results = await Promise.all(["A", "B", "C", "D"].map((m) => storeGeneratedContent(deps.db, key, payload(m))));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await deps.db.generatedContent.count()).toBe(1);
    const title = (results[0]?.content as { title: string } | undefined)?.title;
    expect(results.every((r) => (r.content as { title: string }).title === title)).toBe(true);
  });

  it("treats a null unit as one key (module-level content)", async () => {
    const key: CacheKey = { ...(await lessonKey()), unitId: null, contentType: "quiz" };
    const quiz = { questions: [] };
    await storeGeneratedContent(deps.db, key, { ...payload("A"), content: quiz });
    await storeGeneratedContent(deps.db, key, { ...payload("B"), content: quiz });
    expect(await deps.db.generatedContent.count()).toBe(1);
  });

  it("keeps other languages, levels and countries apart", async () => {
    const key = await lessonKey();
    await storeGeneratedContent(deps.db, key, payload("A"));
    await storeGeneratedContent(deps.db, { ...key, language: "en" }, payload("B"));
    await storeGeneratedContent(deps.db, { ...key, level: 3 }, payload("C"));
    await storeGeneratedContent(deps.db, { ...key, country: "CI" }, payload("D"));
    expect(await deps.db.generatedContent.count()).toBe(4);
  });
});

describe("findCachedContent", () => {
  it("is null for a missing key, then serves the stored row and keeps a hot copy in Redis", async () => {
    const key = await lessonKey();
    expect(await findCachedContent(deps, key)).toBeNull();
    const stored = await storeGeneratedContent(deps.db, key, payload("A"));
    const found = await findCachedContent(deps, key);
    expect(found?.id).toBe(stored.id);
    expect(found?.offline).toBe(true);
    expect(JSON.parse((await deps.redis.get(hotCacheKey(key))) as string).id).toBe(stored.id);
    expect(await deps.redis.ttl(hotCacheKey(key))).toBeGreaterThan(3600);
  });

  it("serves the hot copy without PostgreSQL until it is invalidated", async () => {
    const key = await lessonKey();
    const stored = await storeGeneratedContent(deps.db, key, payload("A"));
    await findCachedContent(deps, key);
    await deps.db.generatedContent.update({ where: { id: stored.id }, data: { validated: true } });
    expect((await findCachedContent(deps, key))?.validated).toBe(false);
    await invalidateHotCopy(deps.redis, key);
    expect((await findCachedContent(deps, key))?.validated).toBe(true);
  });
});

describe("replaceGeneratedContent", () => {
  it("replaces in place once per expected version, bumping the version and clearing validation", async () => {
    const key = await lessonKey();
    const stored = await storeGeneratedContent(deps.db, key, payload("A"));
    await deps.db.generatedContent.update({ where: { id: stored.id }, data: { validated: true } });
    const [first, second] = await Promise.all([
      replaceGeneratedContent(deps.db, stored.id, 1, payload("B")),
      replaceGeneratedContent(deps.db, stored.id, 1, payload("C")),
    ]);
    const applied = [first, second].filter((r) => r !== null);
    expect(applied).toHaveLength(1);
    expect(applied[0]?.id).toBe(stored.id);
    expect(applied[0]?.version).toBe(2);
    expect(applied[0]?.validated).toBe(false);
    expect(await deps.db.generatedContent.count()).toBe(1);
  });
});
