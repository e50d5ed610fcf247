/**
 * The back office for generated content: list, read, review (audited), regenerate (one job per
 * version), pre-generation (202, progress), AI course structure (409 without documents, queued
 * proposal, accept building modules, reject, learner-progress guard) and who may do it.
 */
import type { CourseStructure } from "@sira/contracts";
import { getQueue } from "@sira/infra";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  type CourseFixture,
  indexMarketText,
  lessonKey,
  makeCourse,
  sampleLesson,
} from "../../../../packages/domain/test/content/fixtures.ts";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { storeOfflineLesson } from "./offline-lessons.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "admin-content");
let course: CourseFixture;
let admin: SignedIn;
let expert: SignedIn;
let learner: SignedIn;

beforeEach(async () => {
  await resetState();
  for (const q of ["content-generation", "syllabus-generation"] as const) {
    await getQueue(q, { prefix: deps.config.QUEUE_PREFIX }).obliterate({ force: true });
  }
  admin = await signIn(deps, { role: "admin" });
  expert = await signIn(deps, { role: "expert" });
  learner = await signIn(deps, { role: "learner" });
  course = await makeCourse(deps.db, { status: "draft", creationStep: "upload" });
});
afterAll(closeTestDeps);

async function storeLesson() {
  return storeOfflineLesson(deps.db, lessonKey(course, { level: 2 }), sampleLesson("A"));
}

const structure = (): CourseStructure => ({
  modules: [0, 1].map((i) => ({
    title_fr: `Module ${i + 1}`,
    title_en: `Module ${i + 1} (EN)`,
    description_fr: "Description",
    description_en: "Description",
    level: 1,
    estimated_hours: 3,
    bloom_level: "understand" as const,
    objectives_fr: ["Comprendre"],
    objectives_en: ["Understand"],
    prerequisites: i === 0 ? [] : [0],
    books_sources: { resources: [] },
    units: [
      {
        title_fr: "Leçon",
        title_en: "Lesson",
        description_fr: null,
        description_en: null,
        unit_type: "lesson" as const,
        estimated_minutes: 15,
      },
      {
        title_fr: "Quiz",
        title_en: "Quiz",
        description_fr: null,
        description_en: null,
        unit_type: "quiz" as const,
        estimated_minutes: 10,
      },
    ],
  })),
});

describe("generated content review", () => {
  it("lists, reads and validates content (audited), then regenerates it with one job per version", async () => {
    const stored = await storeLesson();
    const list = await send(
      admin,
      "GET",
      `/api/v1/admin/generated-content?course_id=${course.courseId}&validated=false`,
    );
    expect(list.status).toBe(200);
    const page = (await list.json()) as { items: { id: string; sources_count: number }[]; total: number };
    expect(page.total).toBe(1);
    expect(page.items[0]).toMatchObject({ id: stored.id, sources_count: 1 });
    const one = (await (await send(admin, "GET", `/api/v1/admin/generated-content/${stored.id}`)).json()) as {
      content: { markdown: string };
      metadata: { offline: boolean };
    };
    expect(one.content.markdown).toContain("## Introduction");
    expect(one.metadata.offline).toBe(true);

    const review = await send(admin, "POST", `/api/v1/admin/generated-content/${stored.id}/review`, {
      validated: true,
      note: "Relu",
    });
    expect(review.status).toBe(200);
    expect(await review.json()).toMatchObject({ validated: true, validated_by: admin.userId });
    const audit = await deps.db.auditLog.findFirstOrThrow({ where: { action: "generated_content.reviewed" } });
    expect(audit).toMatchObject({ actorId: admin.userId, targetId: stored.id, requestId: "admin-content-0003" });
    expect(audit.after).toMatchObject({ validated: true, note: "Relu" });
    const validatedList = await send(admin, "GET", "/api/v1/admin/generated-content?validated=true");
    expect(((await validatedList.json()) as { total: number }).total).toBe(1);

    const [r1, r2] = await Promise.all([
      send(admin, "POST", `/api/v1/admin/generated-content/${stored.id}/regenerate`),
      send(admin, "POST", `/api/v1/admin/generated-content/${stored.id}/regenerate`),
    ]);
    expect(r1.status).toBe(202);
    const body = (await r1.json()) as { job_id: string; current_version: number };
    expect(((await r2.json()) as { job_id: string }).job_id).toBe(body.job_id);
    expect(body.current_version).toBe(1);
    const queue = getQueue("content-generation", { prefix: deps.config.QUEUE_PREFIX });
    const job = await queue.getJob(body.job_id);
    expect(job?.data).toMatchObject({ regenerate: { contentId: stored.id, expectedVersion: 1 } });
    expect(await queue.getJobCountByTypes("waiting")).toBe(1);
  });

  it("validates filters and review bodies (400)", async () => {
    const stored = await storeLesson();
    expect((await send(admin, "GET", "/api/v1/admin/generated-content?content_type=poem")).status).toBe(400);
    expect(
      (await send(admin, "POST", `/api/v1/admin/generated-content/${stored.id}/review`, { validated: "yes" })).status,
    ).toBe(400);
    expect((await send(admin, "GET", `/api/v1/admin/generated-content/${crypto.randomUUID()}`)).status).toBe(404);
  });

  it("shows experts only their own courses' content, and refuses learners and anonymous callers", async () => {
    const stored = await storeLesson();
    const others = (await (await send(expert, "GET", "/api/v1/admin/generated-content")).json()) as { total: number };
    expect(others.total).toBe(0);
    expect((await send(expert, "GET", `/api/v1/admin/generated-content/${stored.id}`)).status).toBe(404);
    expect(
      (await send(expert, "POST", `/api/v1/admin/generated-content/${stored.id}/review`, { validated: true })).status,
    ).toBe(404);
    await deps.db.course.update({ where: { id: course.courseId }, data: { expertId: expert.userId } });
    expect((await send(expert, "GET", `/api/v1/admin/generated-content/${stored.id}`)).status).toBe(200);
    expect((await send(learner, "GET", "/api/v1/admin/generated-content")).status).toBe(403);
    expect((await send(learner, "POST", `/api/v1/admin/generated-content/${stored.id}/regenerate`)).status).toBe(403);
    expect((await app.request("/api/v1/admin/generated-content")).status).toBe(401);
  });
});

describe("bulk pre-generation", () => {
  it("is 409 without indexed documents, then queues one job and reports every item pending", async () => {
    const path = `/api/v1/admin/modules/${course.moduleId}/pregenerate`;
    const refused = await send(admin, "POST", path, {});
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { code: string }).code).toBe("NO_INDEXED_CONTENT");
    await indexMarketText(deps.db, deps.ai.embedder, course.courseId);
    const stored = await storeLesson();
    const res = await send(admin, "POST", path, { country: "sn" });
    expect(res.status).toBe(202);
    const progress = (await res.json()) as {
      job_id: string;
      total: number;
      ready: number;
      level: number;
      country: string;
    };
    // 1 lesson unit + the module's quiz + flashcards, in two languages.
    expect(progress).toMatchObject({ total: 6, ready: 1, level: 2, country: "SN" });
    const again = (await (await send(admin, "POST", path, { country: "SN" })).json()) as { job_id: string };
    expect(again.job_id).toBe(progress.job_id);
    const queue = getQueue("content-generation", { prefix: deps.config.QUEUE_PREFIX });
    expect(await queue.getJobCountByTypes("waiting")).toBe(1);
    const read = await send(admin, "GET", `${path}?country=SN&languages=fr`);
    const partial = (await read.json()) as { total: number; items: { status: string; content_id: string | null }[] };
    expect(partial.total).toBe(3);
    expect(partial.items.find((i) => i.status === "ready")?.content_id).toBe(stored.id);
    expect((await send(learner, "POST", path, {})).status).toBe(403);
    expect((await send(expert, "POST", path, {})).status).toBe(404);
  });
});

describe("AI course structure", () => {
  const base = () => `/api/v1/admin/courses/${course.courseId}`;

  it("is 409 NO_INDEXED_CONTENT without indexed documents", async () => {
    const res = await send(admin, "POST", `${base()}/generate-structure`);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { code: string }).code).toBe("NO_INDEXED_CONTENT");
    expect(await deps.db.courseStructureProposal.count()).toBe(0);
  });

  it("queues one proposal, moves the course to generating, then accepts it into modules and units", async () => {
    await indexMarketText(deps.db, deps.ai.embedder, course.courseId);
    const started = await send(admin, "POST", `${base()}/generate-structure`);
    expect(started.status).toBe(202);
    const proposal = (await started.json()) as { id: string; status: string };
    expect(proposal.status).toBe("queued");
    const again = (await (await send(admin, "POST", `${base()}/generate-structure`)).json()) as { id: string };
    expect(again.id).toBe(proposal.id);
    const queue = getQueue("syllabus-generation", { prefix: deps.config.QUEUE_PREFIX });
    expect(await queue.getJobCountByTypes("waiting")).toBe(1);
    expect((await deps.db.course.findUniqueOrThrow({ where: { id: course.courseId } })).creationStep).toBe(
      "generating",
    );

    const early = await send(admin, "POST", `${base()}/structure-proposals/${proposal.id}/accept`, {});
    expect(((await early.json()) as { code: string }).code).toBe("NOT_READY");
    // The job's result (the worker's part is covered by the worker tests): a ready proposal.
    await deps.db.courseStructureProposal.update({
      where: { id: proposal.id },
      data: { status: "ready", proposal: structure() as object, completedAt: new Date() },
    });
    const listed = (await (await send(admin, "GET", `${base()}/structure-proposals`)).json()) as {
      items: { id: string; status: string }[];
    };
    expect(listed.items.map((p) => [p.id, p.status])).toEqual([[proposal.id, "ready"]]);

    const badEdit = structure();
    (badEdit.modules[0] as { prerequisites: number[] }).prerequisites = [1];
    const refused = await send(admin, "POST", `${base()}/structure-proposals/${proposal.id}/accept`, {
      proposal: badEdit,
    });
    expect(refused.status).toBe(400);

    const accepted = await send(admin, "POST", `${base()}/structure-proposals/${proposal.id}/accept`, {});
    expect(accepted.status).toBe(200);
    const result = (await accepted.json()) as { module_ids: string[]; proposal: { status: string } };
    expect(result.proposal.status).toBe("accepted");
    expect(result.module_ids).toHaveLength(2);
    const modules = await deps.db.module.findMany({
      where: { courseId: course.courseId },
      orderBy: { moduleNumber: "asc" },
      include: { units: true },
    });
    expect(modules.map((m) => m.id)).toEqual(result.module_ids);
    expect(modules[1]?.prereqModules).toEqual([result.module_ids[0]]);
    expect(modules.every((m) => m.units.length === 2)).toBe(true);
    const row = await deps.db.course.findUniqueOrThrow({ where: { id: course.courseId } });
    expect(row.moduleCount).toBe(2);
    expect(row.creationStep).toBe("generating");
    expect(await deps.db.syncTombstone.count({ where: { entity: "modules", entityId: course.moduleId } })).toBe(1);
    expect(
      await deps.db.syncTombstone.count({ where: { entity: "module_units", entityId: course.lessonUnitId } }),
    ).toBe(1);
    const twice = await send(admin, "POST", `${base()}/structure-proposals/${proposal.id}/accept`, {});
    expect(((await twice.json()) as { code: string }).code).toBe("INVALID_TRANSITION");
  });

  it("refuses to replace modules learners have progress in (409 CONFLICT)", async () => {
    const proposal = await deps.db.courseStructureProposal.create({
      data: { courseId: course.courseId, status: "ready", proposal: structure() as object },
    });
    await deps.db.lessonReading.create({ data: { userId: learner.userId, unitId: course.lessonUnitId, readPct: 10 } });
    const res = await send(admin, "POST", `${base()}/structure-proposals/${proposal.id}/accept`, {});
    expect(res.status).toBe(409);
    expect(((await res.json()) as { code: string }).code).toBe("CONFLICT");
    expect(await deps.db.module.count({ where: { courseId: course.courseId } })).toBe(1);
  });

  it("rejects a proposal and sends a course without modules back to upload", async () => {
    await deps.db.module.deleteMany({ where: { courseId: course.courseId } });
    await deps.db.course.update({ where: { id: course.courseId }, data: { creationStep: "generating" } });
    const proposal = await deps.db.courseStructureProposal.create({
      data: { courseId: course.courseId, status: "ready", proposal: structure() as object },
    });
    const res = await send(admin, "POST", `${base()}/structure-proposals/${proposal.id}/reject`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("rejected");
    expect((await deps.db.course.findUniqueOrThrow({ where: { id: course.courseId } })).creationStep).toBe("upload");
  });

  it("lets only the course's managers in: other experts 404, learners 403, anonymous 401", async () => {
    const proposal = await deps.db.courseStructureProposal.create({
      data: { courseId: course.courseId, status: "ready" },
    });
    expect((await send(expert, "POST", `${base()}/generate-structure`)).status).toBe(404);
    expect((await send(expert, "GET", `${base()}/structure-proposals/${proposal.id}`)).status).toBe(404);
    expect((await send(learner, "GET", `${base()}/structure-proposals`)).status).toBe(403);
    expect((await app.request(`${base()}/structure-proposals`)).status).toBe(401);
    expect((await send(admin, "GET", `${base()}/structure-proposals/${crypto.randomUUID()}`)).status).toBe(404);
  });
});
