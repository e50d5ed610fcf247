/**
 * The lesson stream (SSE): meta first, at once; a cached lesson replayed in coalesced frames with
 * citation and done; Last-Event-ID resume; a missing lesson tailed from the generation's Redis
 * stream while it is produced, one job for every reader, with bytes on the wire close to the text;
 * a retried job's new attempt resets the text instead of ending the stream.
 */
import type { LessonCitation, SourceRef } from "@sira/contracts";
import { getQueue } from "@sira/infra";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  type CacheKey,
  GenerationPublisher,
  generationStreamKey,
  hotCacheKey,
} from "../../../../packages/domain/src/content/index.ts";
import { enroll, indexMarketText, lessonKey, sampleLesson } from "../../../../packages/domain/test/content/fixtures.ts";
import {
  closeTestDeps,
  enrolledLearnerWorld,
  type SignedIn,
  type SseFrame,
  SseReader,
  signIn,
  testApp,
} from "../helpers.ts";
import { storeOfflineLesson } from "./offline-lessons.ts";

const { app, deps } = testApp({ SSE_COALESCE_MS: "200" });
const world = enrolledLearnerWorld(deps);
let key: CacheKey;

beforeEach(async () => {
  key = lessonKey(world.course);
});
afterAll(closeTestDeps);

const streamPath = () => `/api/v1/modules/${world.course.moduleId}/lessons/${world.course.lessonUnitId}/stream`;
const open = async (user: SignedIn, headers: Record<string, string> = {}) => {
  const res = await app.request(streamPath(), { headers: { ...user.headers, "accept-language": "fr", ...headers } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
  return new SseReader(res.body);
};
const textOf = (reader: SseReader) =>
  reader.frames
    .filter((f) => f.event === "delta")
    .map((f) => (f.data as { text: string }).text)
    .join("");

/** Jobs waiting or running on content-generation, once the stream has had time to queue its job. */
async function queuedJobs(expected: number): Promise<number> {
  const queue = getQueue("content-generation", { prefix: deps.config.QUEUE_PREFIX });
  let count = 0;
  for (let i = 0; i < 100; i++) {
    count = await queue.getJobCountByTypes("waiting", "active", "delayed", "prioritized");
    if (count >= expected) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return count;
}

/**
 * The compact citation resolves to the stored sources: `refs[i]` is `sources_cited[i]`, its
 * document named in `docs`, its page when known.
 */
function expectCitation(frames: SseFrame[], sources: SourceRef[]) {
  const citation = frames.find((f) => f.event === "citation")?.data as LessonCitation;
  expect(sources.length).toBeGreaterThan(0);
  expect(citation.refs).toHaveLength(sources.length);
  expect(citation.refs.map((r) => ({ source: citation.docs[r.doc], page: r.page ?? null }))).toEqual(
    sources.map((s) => ({ source: s.source, page: s.page })),
  );
  expect(new Set(citation.docs).size).toBe(citation.docs.length);
}

async function storeLesson() {
  const content = sampleLesson("R");
  const stored = await storeOfflineLesson(deps.db, key, content);
  return { stored, markdown: content.markdown };
}

describe("a cached lesson", () => {
  it("replays meta, the whole text in coalesced frames, citation and done", async () => {
    const { stored, markdown } = await storeLesson();
    const reader = await open(world.learner);
    const meta = await reader.until((f) => f.event === "meta");
    expect(reader.frames[0]?.event).toBe("meta");
    expect(reader.frames[0]?.retry).toBe("3000");
    expect(meta.data).toMatchObject({
      language: "fr",
      title: "Le prix d'équilibre",
      cached: true,
      version: 1,
      offline: true,
      outline: ["Introduction", "Concepts clés", "Exemple", "Synthèse", "Points clés"],
    });
    const frames = await reader.rest();
    expect(textOf(reader)).toBe(markdown);
    expect(markdown.length).toBeGreaterThan(1000);
    expect(frames.filter((f) => f.event === "delta").length).toBeLessThanOrEqual(2);
    expect(frames.map((f) => f.event).filter(Boolean)).toEqual(["meta", "delta", "citation", "done"]);
    expectCitation(frames, stored.sourcesCited);
    // No identifier the client already has (the URL's), and none it does not need yet.
    expect(JSON.stringify(meta.data)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    const done = frames.find((f) => f.event === "done");
    expect(done?.data).toEqual({ content_id: stored.id, version: 1 });
    // Ids name the text they count in (tag:offset), here the stored version.
    expect(done?.id).toMatch(new RegExp(`^[0-9a-f]{8}:${markdown.length}$`));
  });

  it("streams from the lesson's own path too, when the client asks for text/event-stream", async () => {
    const { markdown } = await storeLesson();
    const res = await app.request(`/api/v1/modules/${world.course.moduleId}/lessons/${world.course.lessonUnitId}`, {
      headers: { ...world.learner.headers, "accept-language": "fr", accept: "text/event-stream" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(res.headers.get("etag")).toBeNull();
    const reader = new SseReader(res.body);
    const frames = await reader.rest();
    expect(frames.map((f) => f.event).filter(Boolean)).toEqual(["meta", "delta", "citation", "done"]);
    expect(textOf(reader)).toBe(markdown);
  });

  it("resumes from Last-Event-ID with exactly the remaining text of the version the id names", async () => {
    const { markdown } = await storeLesson();
    const tag = (await (await open(world.learner)).rest()).find((f) => f.event === "done")?.id?.split(":")[0];
    const reader = await open(world.learner, { "last-event-id": `${tag}:700` });
    await reader.rest();
    expect(reader.frames.some((f) => f.event === "meta" && (f.data as { reset?: boolean }).reset)).toBe(false);
    expect(textOf(reader)).toBe(markdown.slice(700));
    expect(reader.frames.find((f) => f.event === "delta")?.id).toBe(`${tag}:${markdown.length}`);
    const viaQuery = await app.request(`${streamPath()}?last_event_id=${tag}:1000`, { headers: world.learner.headers });
    const r2 = new SseReader(viaQuery.body);
    await r2.rest();
    expect(textOf(r2)).toBe(markdown.slice(1000));
  });

  it("starts over with the whole text for an id naming another text, or a bare offset nothing vouches for", async () => {
    const { markdown } = await storeLesson();
    for (const lastEventId of ["0123abcd:700", "700"]) {
      const reader = await open(world.learner, { "last-event-id": lastEventId });
      const frames = await reader.rest();
      expect(frames[1]).toMatchObject({ event: "meta", data: { reset: true } });
      expect(textOf(reader)).toBe(markdown);
    }
  });
});

describe("a lesson not generated yet", () => {
  /** What the generation job does at the end of a run: store the lesson, then publish done. */
  async function storeAndFinish(publisher: GenerationPublisher, markdown: string) {
    const stored = await storeOfflineLesson(deps.db, key, { ...sampleLesson("L"), markdown });
    await publisher.finish({
      type: "done",
      content_id: stored.id,
      version: stored.version,
      sources: stored.sourcesCited,
    });
    return stored;
  }

  /** What the generation job does on the worker: publish deltas as they come, store, then done. */
  async function produce(pieces: string[], pauseEvery = 0) {
    const publisher = new GenerationPublisher(deps.redis, generationStreamKey(key));
    await publisher.start("run-1");
    for (const [i, piece] of pieces.entries()) {
      publisher.delta(piece);
      if (pauseEvery && i % pauseEvery === 0) await new Promise((r) => setTimeout(r, 5));
    }
    const markdown = pieces.join("");
    const stored = await storeAndFinish(publisher, markdown);
    return { stored, markdown };
  }

  it("sends meta before any generation has run, then the text as it is produced", async () => {
    await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
    const reader = await open(world.learner);
    const meta = await reader.until((f) => f.event === "meta");
    expect(meta.data).toMatchObject({ cached: false });
    expect(meta.data).not.toHaveProperty("version");
    // Nothing has generated anything yet: the job is queued (before the stream opened) but has not run.
    expect(await queuedJobs(1)).toBe(1);
    expect(reader.done).toBe(false);
    // The job has started and produced a first part of the text, but has stored nothing yet.
    const publisher = new GenerationPublisher(deps.redis, generationStreamKey(key));
    await publisher.start("run-1");
    const head = Array.from({ length: 50 }, (_, i) => `mot${i % 10} `).join("");
    publisher.delta(head);
    const first = await reader.until((f) => f.event === "delta");
    expect(head.startsWith((first.data as { text: string }).text)).toBe(true);
    expect(reader.frames.some((f) => f.event === "citation" || f.event === "done")).toBe(false);
    expect(await deps.db.generatedContent.count()).toBe(0);
    // Then the rest of the text, the stored lesson and the end of the run.
    const tail = Array.from({ length: 250 }, (_, i) => `fin${i % 10} `);
    for (const piece of tail) publisher.delta(piece);
    const markdown = head + tail.join("");
    const stored = await storeAndFinish(publisher, markdown);
    const frames = await reader.rest();
    expect(textOf(reader)).toBe(markdown);
    expect(frames.at(-1)?.event).toBe("done");
    expect(frames.at(-1)?.data).toEqual({ content_id: stored.id, version: 1 });
    expectCitation(frames, stored.sourcesCited);
  });

  it("starts one job for concurrent readers, and every reader gets the same text", async () => {
    await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
    const other = await signIn(deps, { role: "learner", country: "SN" });
    await enroll(deps.db, other.userId, world.course.courseId);
    const [a, b] = await Promise.all([open(world.learner), open(other)]);
    await Promise.all([a.until((f) => f.event === "meta"), b.until((f) => f.event === "meta")]);
    expect(await queuedJobs(2)).toBe(1);
    const { markdown } = await produce(
      Array.from({ length: 120 }, (_, i) => `élément ${i}. `),
      10,
    );
    await Promise.all([a.rest(), b.rest()]);
    expect(textOf(a)).toBe(markdown);
    expect(textOf(b)).toBe(markdown);
  });

  it("coalesces tiny deltas: delta frames on the wire stay within 1.3× the text bytes", async () => {
    await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
    const reader = await open(world.learner);
    await reader.until((f) => f.event === "meta");
    const pieces = Array.from({ length: 1000 }, () => "abc ");
    const { markdown } = await produce(pieces, 50);
    await reader.rest();
    const deltaBytes = reader.text
      .split("\n\n")
      .filter((block) => block.includes("event: delta"))
      .reduce((n, block) => n + Buffer.byteLength(`${block}\n\n`), 0);
    const textBytes = Buffer.byteLength(markdown);
    expect(textOf(reader)).toBe(markdown);
    expect(reader.frames.filter((f) => f.event === "delta").length).toBeLessThan(pieces.length / 10);
    expect(deltaBytes / textBytes).toBeLessThan(1.3);
  });

  it("resets and streams the new attempt when the job's next attempt starts after text was sent", async () => {
    await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
    const reader = await open(world.learner);
    await reader.until((f) => f.event === "meta");
    const publisher = new GenerationPublisher(deps.redis, generationStreamKey(key));
    await publisher.start("run-1", 1);
    publisher.delta("Un début qui ne sera pas gardé. ");
    await publisher.settle();
    await reader.until((f) => f.event === "delta");
    // The attempt failed and the queue retried the job: a new run starts the text again.
    await publisher.start("run-2", 2);
    const markdown = Array.from({ length: 60 }, (_, i) => `phrase ${i}. `).join("");
    publisher.delta(markdown);
    const stored = await storeAndFinish(publisher, markdown);
    const frames = await reader.rest();
    const reset = frames.findIndex((f) => f.event === "meta" && (f.data as { reset?: boolean }).reset === true);
    expect(reset).toBeGreaterThan(0);
    expect(frames.some((f) => f.event === "error")).toBe(false);
    expect(
      frames
        .slice(reset)
        .filter((f) => f.event === "delta")
        .map((f) => (f.data as { text: string }).text)
        .join(""),
    ).toBe(markdown);
    expect(frames.at(-1)?.data).toMatchObject({ content_id: stored.id });

    // A client that comes back with an offset into the first attempt's text starts over too.
    await deps.db.generatedContent.deleteMany({});
    await deps.redis.del(hotCacheKey(key));
    const resumed = await open(world.learner, { "last-event-id": "10" });
    const again = await resumed.rest();
    expect(again[1]?.event).toBe("meta");
    expect(again[1]?.data).toEqual({ reset: true });
    expect(textOf(resumed)).toBe(markdown);
  });

  it("ends on the stored lesson when its run's done is late: the same text goes on, without a reset", async () => {
    await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
    const reader = await open(world.learner);
    await reader.until((f) => f.event === "meta");
    const publisher = new GenerationPublisher(deps.redis, generationStreamKey(key));
    await publisher.start("run-1", 1);
    const markdown = Array.from({ length: 80 }, (_, i) => `ligne ${i}. `).join("");
    publisher.delta(markdown.slice(0, 200));
    await publisher.settle();
    await reader.until((f) => f.event === "delta");
    // The job stored the lesson, and its done entry has not come (yet): the quiet tail finds it stored.
    await storeOfflineLesson(deps.db, key, { ...sampleLesson("L"), markdown });
    const frames = await reader.rest();
    expect(frames.some((f) => f.event === "meta" && (f.data as { reset?: boolean }).reset)).toBe(false);
    expect(textOf(reader)).toBe(markdown);
    expect(frames.at(-1)?.event).toBe("done");
  });

  it("starts over on the stored lesson when it is not the text its run was sending", async () => {
    await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
    const reader = await open(world.learner);
    await reader.until((f) => f.event === "meta");
    const publisher = new GenerationPublisher(deps.redis, generationStreamKey(key));
    await publisher.start("run-1", 1);
    publisher.delta("Un texte que le cours enregistré ne contient pas. ");
    await publisher.settle();
    await reader.until((f) => f.event === "delta");
    const { markdown } = await storeLesson();
    const frames = await reader.rest();
    const reset = frames.findIndex((f) => f.event === "meta" && (f.data as { reset?: boolean }).reset === true);
    expect(reset).toBeGreaterThan(0);
    expect(
      frames
        .slice(reset)
        .filter((f) => f.event === "delta")
        .map((f) => (f.data as { text: string }).text)
        .join(""),
    ).toBe(markdown);
  });

  it("ends with an error event in the learner's language when the generation fails", async () => {
    await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
    const reader = await open(world.learner);
    await reader.until((f) => f.event === "meta");
    const publisher = new GenerationPublisher(deps.redis, generationStreamKey(key));
    await publisher.start("run-1");
    await publisher.finish({ type: "error", code: "NO_INDEXED_CONTENT" });
    const frames = await reader.rest();
    expect(frames.at(-1)?.event).toBe("error");
    expect(frames.at(-1)?.data).toEqual({
      code: "NO_INDEXED_CONTENT",
      message: "Ce cours n'a encore aucun document indexé.",
    });
  });

  it("is 409 NO_INDEXED_CONTENT (problem+json, not a stream) when nothing is indexed", async () => {
    const res = await app.request(streamPath(), { headers: world.learner.headers });
    expect(res.status).toBe(409);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });
});
