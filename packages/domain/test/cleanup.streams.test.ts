/**
 * Stream cleanup on a real Redis: lesson and tutor streams written by the product's publisher are
 * deleted a few minutes after their `done` or `error`, or once untouched for the stream TTL when
 * they have no expiry; a stream still being written, one just finished, and a new run started on
 * a finished key are kept; other keys are never touched; a second run deletes nothing.
 */
import { createRedis, parseConfig } from "@sira/infra";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { cleanStreams, FINISHED_STREAM_KEEP_MS, STREAM_KEY_PREFIXES } from "../src/cleanup/index.ts";
import { generationStreamKey } from "../src/content/cache-key.ts";
import { GENERATION_STREAM_TTL_SECONDS, GenerationPublisher } from "../src/content/generation-stream.ts";
import { answerStreamKey, type TutorEntry } from "../src/tutor/answer-stream.ts";

const config = parseConfig(process.env);
const redis = createRedis(config.REDIS_URL);
const MINUTE = 60_000;

beforeEach(() => redis.flushdb());
afterAll(() => redis.quit());

const lessonKey = () =>
  generationStreamKey({
    moduleId: crypto.randomUUID(),
    unitId: crypto.randomUUID(),
    contentType: "lesson",
    language: "fr",
    level: 2,
    country: "SN",
  });

/** Waits until the publisher's batched text is in the stream (start, then one delta). */
async function flushed(key: string): Promise<void> {
  for (let i = 0; i < 100 && (await redis.xlen(key)) < 2; i++) await new Promise((r) => setTimeout(r, 20));
}

async function lessonStream(end: "done" | "error" | null, key = lessonKey()): Promise<string> {
  const publisher = new GenerationPublisher(redis, key);
  await publisher.start(crypto.randomUUID());
  publisher.delta("Le paludisme est une maladie parasitaire.");
  if (end === "done")
    await publisher.finish({ type: "done", content_id: crypto.randomUUID(), version: 1, sources: [] });
  else if (end === "error") await publisher.finish({ type: "error", code: "GENERATION_FAILED" });
  else await flushed(key);
  return key;
}

async function tutorStream(end: boolean): Promise<string> {
  const key = answerStreamKey(crypto.randomUUID());
  const publisher = new GenerationPublisher<TutorEntry>(redis, key);
  await publisher.start(crypto.randomUUID());
  publisher.delta("Une moustiquaire imprégnée protège la nuit.");
  if (end) await publisher.finish({ type: "done", status: "complete", sources: [] });
  else await flushed(key);
  return key;
}

const exists = async (keys: string[]) => Promise.all(keys.map(async (k) => (await redis.exists(k)) === 1));
const later = (ms: number) => new Date(Date.now() + ms);

describe("cleanStreams", () => {
  it("scans the keys the product writes its streams under", () => {
    expect(lessonKey().startsWith(STREAM_KEY_PREFIXES[0])).toBe(true);
    expect(answerStreamKey("x").startsWith(STREAM_KEY_PREFIXES[1])).toBe(true);
  });

  it("deletes finished streams a few minutes after their end, never one still being written", async () => {
    const finished = [await lessonStream("done"), await lessonStream("error"), await tutorStream(true)];
    const writing = [await lessonStream(null), await tutorStream(false)];
    const unrelated = ["sira:tutor:listen:abc", "sira:gc:v1:abc"];
    for (const key of unrelated) await redis.set(key, "1", "EX", 600);
    // A plain value under a stream prefix is not a stream: left alone.
    await redis.set("sira:gen:not-a-stream", "1");

    // Just finished: kept for readers resuming.
    expect(await cleanStreams(redis)).toEqual({ scanned: 5, finished: 0, abandoned: 0 });
    expect(await exists([...finished, ...writing])).toEqual([true, true, true, true, true]);

    const afterKeep = later(FINISHED_STREAM_KEEP_MS + MINUTE);
    expect(await cleanStreams(redis, afterKeep)).toEqual({ scanned: 5, finished: 3, abandoned: 0 });
    expect(await exists(finished)).toEqual([false, false, false]);
    expect(await exists([...writing, ...unrelated, "sira:gen:not-a-stream"])).toEqual([true, true, true, true, true]);

    expect(await cleanStreams(redis, afterKeep)).toEqual({ scanned: 2, finished: 0, abandoned: 0 });
  });

  it("keeps a new run started on a finished stream's key", async () => {
    const key = await lessonStream("done");
    // A regeneration: the publisher's start drops the old entries and writes its own.
    await new GenerationPublisher(redis, key).start(crypto.randomUUID());
    expect(await cleanStreams(redis, later(FINISHED_STREAM_KEEP_MS + MINUTE))).toMatchObject({ finished: 0 });
    expect(await redis.xlen(key)).toBe(1);
  });

  it("deletes a stream without expiry once untouched for the stream TTL", async () => {
    const lost = [await lessonStream(null), await tutorStream(false)];
    for (const key of lost) await redis.persist(key);
    const expiring = await lessonStream(null);

    expect(await cleanStreams(redis, later(GENERATION_STREAM_TTL_SECONDS * 1000 - MINUTE))).toMatchObject({
      abandoned: 0,
    });
    expect(await cleanStreams(redis, later(GENERATION_STREAM_TTL_SECONDS * 1000 + MINUTE))).toEqual({
      scanned: 3,
      finished: 0,
      abandoned: 2,
    });
    expect(await exists([...lost, expiring])).toEqual([false, false, true]);
  });
});
