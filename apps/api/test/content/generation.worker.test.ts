/**
 * Generation on a real BullMQ worker with the real offline generator and retriever: a learner's
 * stream is served while the job runs, the lesson is stored once with grounded citations of this
 * course only, the other language follows, pre-generation fills a module, regeneration bumps the
 * version, structure proposals are built from the indexed document, and no documents fail cleanly.
 */
import type { LessonCitation, SourceRef } from "@sira/contracts";
import { getQueue, jobIdFor } from "@sira/infra";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  enqueueGeneration,
  generationStreamKey,
  tailGeneration,
} from "../../../../packages/domain/src/content/index.ts";
import { indexMarketText, lessonKey, makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import {
  closeTestDeps,
  enrolledLearnerWorld,
  jsonSender,
  type SignedIn,
  SseReader,
  signIn,
  testApp,
} from "../helpers.ts";
import { startTestWorkers, type TestWorkers, until } from "../workers.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "generation");
let workers: TestWorkers;
let admin: SignedIn;

beforeAll(() => {
  workers = startTestWorkers(deps);
});
const world = enrolledLearnerWorld(deps);
beforeEach(async () => {
  await getQueue("syllabus-generation", { prefix: deps.config.QUEUE_PREFIX }).obliterate({ force: true });
  admin = await signIn(deps, { role: "admin" });
});
afterAll(async () => {
  await workers.stop();
  await closeTestDeps();
});

const lessonPath = () => `/api/v1/modules/${world.course.moduleId}/lessons/${world.course.lessonUnitId}`;

describe("lesson generation on the worker", () => {
  it("streams a generated lesson citing only this course's chunks, stores it once, then the other language", async () => {
    const { chunkIds } = await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
    const other = await makeCourse(deps.db);
    const foreign = await indexMarketText(deps.db, deps.ai.embedder, other.courseId);
    const res = await app.request(`${lessonPath()}/stream`, {
      headers: { ...world.learner.headers, "accept-language": "fr" },
    });
    const reader = new SseReader(res.body);
    const meta = await reader.until((f) => f.event === "meta");
    expect(meta.data).toMatchObject({ cached: false });
    const frames = await reader.rest();
    expect(frames.some((f) => f.event === "error")).toBe(false);
    expect(frames.at(-1)?.event).toBe("done");
    const text = frames
      .filter((f) => f.event === "delta")
      .map((f) => (f.data as { text: string }).text)
      .join("");
    const citation = frames.find((f) => f.event === "citation")?.data as LessonCitation | undefined;
    const refs = citation?.refs ?? [];
    expect(refs.length).toBeGreaterThan(0);
    // Each reference names the marker that cites it in the text.
    for (const ref of refs) expect(text).toContain(`[${ref.n}`);
    const stored = await deps.db.generatedContent.findMany({
      where: { moduleId: world.course.moduleId, language: "fr" },
    });
    expect(stored).toHaveLength(1);
    expect((stored[0]?.content as { markdown: string } | undefined)?.markdown).toBe(text);
    expect(stored[0]?.metadata).toMatchObject({ offline: true });

    // The full sources, on demand: the lesson's sources_cited, refs[i] being sources_cited[i].
    const lesson = await app.request(`${lessonPath()}?fields=sources_cited,version`, {
      headers: { ...world.learner.headers, "accept-language": "fr" },
    });
    expect(lesson.status).toBe(200);
    const { sources_cited: sources } = (await lesson.json()) as { sources_cited: SourceRef[] };
    expect(sources).toHaveLength(refs.length);
    for (const [i, s] of sources.entries()) {
      expect(citation?.docs[refs[i]?.doc ?? -1]).toBe(s.source);
      expect(chunkIds).toContain(s.chunk_id);
      expect(foreign.chunkIds).not.toContain(s.chunk_id);
    }
    const en = await until(
      () => deps.db.generatedContent.count({ where: { moduleId: world.course.moduleId, language: "en" } }),
      (n) => n === 1,
    );
    expect(en).toBe(1);
    // A second stream replays the same text from the cache.
    const replay = new SseReader(
      (await app.request(`${lessonPath()}/stream`, { headers: { ...world.learner.headers, "accept-language": "fr" } }))
        .body,
    );
    await replay.rest();
    expect(replay.frames[0]?.data).toMatchObject({ cached: true });
  });

  it("regenerates content in place with the next version", async () => {
    await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
    expect((await app.request(lessonPath(), { headers: world.learner.headers })).status).toBe(202);
    const first = await until(
      () => deps.db.generatedContent.findFirst({ where: { unitId: world.course.lessonUnitId, language: "fr" } }),
      (row) => row !== null,
    );
    if (!first) throw new Error("the lesson was not generated");
    await deps.db.generatedContent.update({ where: { id: first.id }, data: { validated: true } });
    expect((await send(admin, "POST", `/api/v1/admin/generated-content/${first.id}/regenerate`)).status).toBe(202);
    const after = await until(
      () => deps.db.generatedContent.findUniqueOrThrow({ where: { id: first.id } }),
      (row) => row.version === 2,
    );
    expect(after.version).toBe(2);
    expect(after.validated).toBe(false);
  });

  it("pre-generates every lesson, quiz and flashcard set of a module in both languages", async () => {
    await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
    const path = `/api/v1/admin/modules/${world.course.moduleId}/pregenerate`;
    expect((await send(admin, "POST", path, { country: "SN" })).status).toBe(202);
    const done = await until(
      async () => (await (await send(admin, "GET", `${path}?country=SN`)).json()) as { total: number; ready: number },
      (p) => p.ready === p.total,
      600,
    );
    expect(done).toMatchObject({ total: 6, ready: 6 });
    const quiz = await deps.db.generatedContent.findFirstOrThrow({
      where: { moduleId: world.course.moduleId, contentType: "quiz", language: "fr" },
    });
    expect(quiz.unitId).toBeNull();
    expect((quiz.content as { questions: unknown[] }).questions.length).toBeGreaterThan(0);
    // Running it again queues nothing new and writes nothing twice.
    const queue = getQueue("content-generation", { prefix: deps.config.QUEUE_PREFIX });
    const idle = () =>
      until(
        () => queue.getJobCounts("waiting", "active", "delayed", "prioritized"),
        (c) => Object.values(c).every((n) => n === 0),
      );
    await idle();
    const snapshot = async () =>
      (
        await deps.db.generatedContent.findMany({
          where: { moduleId: world.course.moduleId },
          orderBy: { id: "asc" },
          select: { id: true, version: true, updatedAt: true },
        })
      ).map((r) => ({ ...r, updatedAt: r.updatedAt.toISOString() }));
    const before = await snapshot();
    expect(before).toHaveLength(6);
    const worker = workers.workers.find((w) => w.name === "content-generation");
    if (!worker) throw new Error("no content-generation worker");
    const completed: { name: string; result: unknown }[] = [];
    const onCompleted = (job: { name: string }, result: unknown) => completed.push({ name: job.name, result });
    worker.on("completed", onCompleted);
    try {
      expect((await send(admin, "POST", path, { country: "SN" })).status).toBe(202);
      const rerun = await until(
        async () => completed.find((c) => c.name === "pregenerate"),
        (c) => c !== undefined,
      );
      expect(rerun?.result).toEqual({ total: 6, queued: 0, ready: 6 });
      await idle();
    } finally {
      worker.off("completed", onCompleted);
    }
    expect(completed.map((c) => c.name)).toEqual(["pregenerate"]);
    const again = (await (await send(admin, "GET", `${path}?country=SN`)).json()) as { total: number; ready: number };
    expect(again).toMatchObject({ total: 6, ready: 6 });
    expect(await snapshot()).toEqual(before);
  });

  it("fails a job without indexed chunks at once: an error entry for readers, no retry, nothing stored", async () => {
    const key = lessonKey(world.course);
    const { jobId } = await enqueueGeneration(deps, { key });
    const entries = [];
    for await (const entry of tailGeneration(deps.redis, generationStreamKey(key), {
      signal: new AbortController().signal,
    })) {
      entries.push(entry);
    }
    expect(entries.at(-1)).toEqual({ type: "error", code: "NO_INDEXED_CONTENT" });
    const queue = getQueue("content-generation", { prefix: deps.config.QUEUE_PREFIX });
    const job = await until(
      async () => queue.getJob(jobId),
      (j) => j?.failedReason !== undefined && j.failedReason !== "",
    );
    expect(await job?.getState()).toBe("failed");
    expect(job?.attemptsMade).toBe(1);
    expect(await deps.db.generatedContent.count()).toBe(0);
  });
});

describe("course structure on the worker", () => {
  it("builds a ready proposal from the indexed document and the admin accepts it", async () => {
    await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
    const started = await send(admin, "POST", `/api/v1/admin/courses/${world.course.courseId}/generate-structure`);
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    const proposal = await until(
      async () =>
        (await (
          await send(admin, "GET", `/api/v1/admin/courses/${world.course.courseId}/structure-proposals/${id}`)
        ).json()) as {
          status: string;
          proposal: { modules: unknown[] } | null;
          error: string | null;
        },
      (p) => p.status === "ready" || p.status === "failed",
      600,
    );
    expect(proposal.error).toBeNull();
    expect(proposal.status).toBe("ready");
    expect(proposal.proposal?.modules.length).toBeGreaterThan(0);
    const accepted = await send(
      admin,
      "POST",
      `/api/v1/admin/courses/${world.course.courseId}/structure-proposals/${id}/accept`,
      {},
    );
    expect(accepted.status).toBe(200);
    expect(await deps.db.module.count({ where: { courseId: world.course.courseId } })).toBe(
      proposal.proposal?.modules.length,
    );
  });

  it("retries a proposal whose provider failed, instead of failing it at the first attempt", async () => {
    await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
    const { generator } = deps.ai;
    const structure = generator.structure;
    let calls = 0;
    generator.structure = (...args) => {
      calls += 1;
      if (calls === 1) return Promise.reject(new Error("socket hang up"));
      return structure.apply(generator, args);
    };
    try {
      const started = await send(admin, "POST", `/api/v1/admin/courses/${world.course.courseId}/generate-structure`);
      const { id } = (await started.json()) as { id: string };
      const proposal = await until(
        async () => deps.db.courseStructureProposal.findUniqueOrThrow({ where: { id } }),
        (p) => p.status === "ready" || p.status === "failed",
        600,
      );
      expect(proposal).toMatchObject({ status: "ready", error: null });
      expect(calls).toBe(2);
      const job = await getQueue("syllabus-generation", { prefix: deps.config.QUEUE_PREFIX }).getJob(
        jobIdFor("structure", id),
      );
      expect(job?.attemptsMade).toBe(2);
    } finally {
      generator.structure = structure;
    }
  });
});
