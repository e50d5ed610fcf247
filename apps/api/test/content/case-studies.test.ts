/**
 * Case studies for learners over REST and tRPC: read without the correction, submit one answer per
 * guided question (stored, replaced by a resubmission), the correction then shown, the unit
 * completed and the module's completion raised; the lessons' access and lock rules; generation
 * started once when missing (409 with Retry-After); hostile answers refused before anything is stored.
 */
import type { CaseStudyContent, CaseStudySubmitResult } from "@sira/contracts";
import { getQueue } from "@sira/infra";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  type CacheKey,
  generationJobId,
  storeGeneratedContent,
} from "../../../../packages/domain/src/content/index.ts";
import { enroll, indexMarketText, sampleSource } from "../../../../packages/domain/test/content/fixtures.ts";
import { closeTestDeps, enrolledLearnerWorld, type SignedIn, signIn, testApp } from "../helpers.ts";
import { expectProblem, expectTrpcProblem, learnerRequest, trpcCodeOf } from "../learner-problems.ts";
import { callerAs } from "../trpc-caller.ts";

const { app, deps } = testApp();
const world = enrolledLearnerWorld(deps);
afterAll(closeTestDeps);

/** Module 1's case-study unit, and module 2 (locked until module 1 is passed) with its own. */
let caseUnitId: string;
let lockedModuleId: string;
let lockedCaseUnitId: string;

beforeEach(async () => {
  const unit = await deps.db.moduleUnit.create({
    data: {
      moduleId: world.course.moduleId,
      unitNumber: 3,
      unitType: "case_study",
      titleFr: "Étude de cas : le riz à Dakar",
      titleEn: "Case study: rice in Dakar",
    },
  });
  caseUnitId = unit.id;
  const second = await deps.db.module.create({
    data: {
      courseId: world.course.courseId,
      moduleNumber: 2,
      level: 2,
      titleFr: "Élasticité",
      titleEn: "Elasticity",
      descriptionFr: "La sensibilité de la demande au prix.",
      descriptionEn: "How demand responds to price.",
      estimatedHours: 2,
      bloomLevel: "apply",
      objectivesFr: ["Calculer une élasticité"],
      objectivesEn: ["Compute an elasticity"],
      units: { create: [{ unitNumber: 1, unitType: "case_study", titleFr: "Cas", titleEn: "Case" }] },
    },
    include: { units: true },
  });
  lockedModuleId = second.id;
  lockedCaseUnitId = second.units[0]?.id as string;
  await deps.db.course.update({ where: { id: world.course.courseId }, data: { moduleCount: 2 } });
});

const sampleCase = (marker = "A"): CaseStudyContent => ({
  title: `Le riz à Dakar ${marker}`,
  scenario: "Une coopérative de Thiès doit fixer le prix du riz après une hausse des arrivages au port [1].",
  data: [
    { label: "Arrivages au port", value: "+20 %" },
    { label: "Prix de gros", value: "350 FCFA/kg" },
  ],
  questions: [
    { question: "Que devient le prix d'équilibre quand l'offre augmente ?", hint: "Relisez la définition." },
    { question: "Quelle décision recommandez-vous à la coopérative ?", hint: null },
  ],
  correction: [
    { question_index: 0, answer: "Il baisse.", annotation: "Quand l'offre augmente, le prix baisse [1]." },
    { question_index: 1, answer: "Baisser légèrement le prix.", annotation: "Appuyez-vous sur les deux données." },
  ],
});

function caseKey(overrides: Partial<CacheKey> = {}): CacheKey {
  return {
    moduleId: world.course.moduleId,
    unitId: caseUnitId,
    contentType: "case",
    language: "fr",
    level: 1,
    country: "SN",
    ...overrides,
  };
}

function storeCase(key: CacheKey = caseKey(), content = sampleCase()) {
  return storeGeneratedContent(deps.db, key, {
    content,
    sourcesCited: [sampleSource()],
    model: "offline-extractive",
    metadata: { offline: true },
  });
}

const casePath = (moduleId = world.course.moduleId, unitId = caseUnitId) =>
  `/api/v1/modules/${moduleId}/case-studies/${unitId}`;
const read = (user: SignedIn | null, lang: "fr" | "en" = "fr", path = casePath()) =>
  learnerRequest(app, user, "GET", path, { lang });
const submit = (user: SignedIn | null, body: unknown, lang: "fr" | "en" = "fr", path = `${casePath()}/submission`) =>
  learnerRequest(app, user, "POST", path, { body, lang });

async function moduleCompletion(userId = world.learner.userId): Promise<number | null> {
  const row = await deps.db.userModuleProgress.findUnique({
    where: { userId_moduleId: { userId, moduleId: world.course.moduleId } },
  });
  return row ? Number(row.completionPct) : null;
}

describe("GET /api/v1/modules/{module_id}/case-studies/{unit_id}", () => {
  it("serves the scenario, data and guided questions without the correction", async () => {
    const stored = await storeCase();
    const res = await read(world.learner);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown> & { content: Record<string, unknown> };
    expect(body).toMatchObject({
      id: stored.id,
      unit_id: caseUnitId,
      language: "fr",
      level: 1,
      country_context: "SN",
      version: 1,
      submission: null,
      correction: null,
    });
    expect(Object.keys(body.content).sort()).toEqual(["data", "questions", "scenario", "title"]);
    expect(JSON.stringify(body)).not.toContain("Il baisse.");
    expect(res.headers.get("etag")).toBeTruthy();
  });

  it("starts the generation once and answers 409 CASE_STUDY_NOT_READY with Retry-After", async () => {
    await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
    const other = await signIn(deps, { role: "learner", country: "SN" });
    await enroll(deps.db, other.userId, world.course.courseId);
    const [a, b] = await Promise.all([read(world.learner, "en"), read(other, "en")]);
    for (const res of [a, b]) {
      expect(res.headers.get("retry-after")).toBe("15");
      const problem = await expectProblem(res, { status: 409, code: "CASE_STUDY_NOT_READY" });
      expect(problem.retry_after).toBe(15);
    }
    const key = caseKey({ language: "en" });
    const queue = getQueue("content-generation", { prefix: deps.config.QUEUE_PREFIX });
    expect(await queue.getJobCountByTypes("waiting", "active", "delayed", "prioritized")).toBe(1);
    expect((await queue.getJob(generationJobId(key)))?.data).toMatchObject({ key, alsoOtherLanguage: true });
  });

  it("is 409 NO_INDEXED_CONTENT when nothing can be generated from", async () => {
    await expectProblem(await read(world.learner, "en"), { status: 409, code: "NO_INDEXED_CONTENT" });
  });

  it("keeps the lessons' rules: 401, 403 NOT_ENROLLED, 404 for another unit type, 423 on a locked module", async () => {
    await storeCase();
    expect((await read(null)).status).toBe(401);
    const stranger = await signIn(deps, { role: "learner" });
    await expectProblem(await read(stranger, "en"), { status: 403, code: "NOT_ENROLLED" });
    await expectProblem(await submit(stranger, { content_id: crypto.randomUUID(), version: 1, answers: ["x"] }, "en"), {
      status: 403,
      code: "NOT_ENROLLED",
    });
    await expectProblem(await read(world.learner, "en", casePath(world.course.moduleId, world.course.lessonUnitId)), {
      status: 404,
      code: "NOT_FOUND",
    });
    await storeCase(caseKey({ moduleId: lockedModuleId, unitId: lockedCaseUnitId }));
    await expectProblem(await read(world.learner, "en", casePath(lockedModuleId, lockedCaseUnitId)), {
      status: 423,
      code: "MODULE_LOCKED",
    });
    const locked = await submit(
      world.learner,
      { content_id: crypto.randomUUID(), version: 1, answers: ["x"] },
      "en",
      `${casePath(lockedModuleId, lockedCaseUnitId)}/submission`,
    );
    await expectProblem(locked, { status: 423, code: "MODULE_LOCKED" });
    expect(await deps.db.caseStudySubmission.count()).toBe(0);
  });
});

describe("POST /api/v1/modules/{module_id}/case-studies/{unit_id}/submission", () => {
  it("stores the answers, completes the unit, raises the module's completion and shows the correction", async () => {
    const stored = await storeCase();
    expect(await moduleCompletion()).toBeNull();
    const res = await submit(world.learner, {
      content_id: stored.id,
      version: 1,
      answers: ["  Il baisse, car l'offre augmente.  ", "Baisser un peu le prix."],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as CaseStudySubmitResult;
    expect(body.case_study.correction).toEqual(sampleCase().correction);
    expect(body.case_study.submission?.answers).toEqual([
      "Il baisse, car l'offre augmente.",
      "Baisser un peu le prix.",
    ]);
    expect(body.unit).toMatchObject({ unit_id: caseUnitId, status: "completed" });
    // Three units (lesson, quiz, case study): one of three done.
    expect(body.module.completion_pct).toBeCloseTo(33.33, 2);
    expect(await moduleCompletion()).toBeCloseTo(33.33, 2);

    const again = (await (await read(world.learner)).json()) as CaseStudySubmitResult["case_study"];
    expect(again.correction).toEqual(sampleCase().correction);
    expect(again.submission?.id).toBe(body.case_study.submission?.id);

    await deps.usage.flush();
    const events = await deps.db.usageEvent.findMany({
      where: { userId: world.learner.userId, kind: "unit_complete" },
    });
    expect(events).toHaveLength(1);
    expect(events[0]?.metadata).toMatchObject({ unit_id: caseUnitId, unit_type: "case_study" });
  });

  it("replaces the answers on a resubmission; the same answers again change nothing; one event in all", async () => {
    const stored = await storeCase();
    const first = { content_id: stored.id, version: 1, answers: ["Premier jet", "Premier jet bis"] };
    expect((await submit(world.learner, first)).status).toBe(200);
    const before = await deps.db.caseStudySubmission.findFirstOrThrow();
    expect((await submit(world.learner, first)).status).toBe(200);
    expect((await deps.db.caseStudySubmission.findFirstOrThrow()).submittedAt).toEqual(before.submittedAt);
    const second = { ...first, answers: ["Réponse revue", "Décision revue"] };
    const res = (await (await submit(world.learner, second)).json()) as CaseStudySubmitResult;
    expect(res.case_study.submission?.answers).toEqual(second.answers);
    expect(await deps.db.caseStudySubmission.count()).toBe(1);
    expect((await deps.db.caseStudySubmission.findFirstOrThrow()).answers).toEqual(second.answers);
    await deps.usage.flush();
    expect(await deps.db.usageEvent.count({ where: { userId: world.learner.userId, kind: "unit_complete" } })).toBe(1);
  });

  it("refuses hostile answers before storing anything, in the request's language", async () => {
    const stored = await storeCase();
    const base = { content_id: stored.id, version: 1 };
    const cases: [unknown, string][] = [
      [{ ...base, answers: ["une seule"] }, "answers"],
      [{ ...base, answers: ["a", "b", "c"] }, "answers"],
      [{ ...base, answers: Array.from({ length: 11 }, () => "x") }, "answers"],
      [{ ...base, answers: [] }, "answers"],
      [{ ...base, answers: ["a", "   "] }, "answers.1"],
      [{ ...base, answers: ["a", "x".repeat(5001)] }, "answers.1"],
      [{ ...base, answers: ["a", 42] }, "answers.1"],
      [{ ...base, answers: ["a", "b"], score: 100 }, "score"],
      [{ ...base, version: 0, answers: ["a", "b"] }, "version"],
    ];
    for (const [body, field] of cases) {
      await expectProblem(await submit(world.learner, body, "fr"), {
        status: 400,
        code: "VALIDATION_FAILED",
        lang: "fr",
        field,
        customDetail: true,
      });
    }
    const huge = await app.request(`${casePath()}/submission`, {
      method: "POST",
      headers: { ...world.learner.headers, "content-type": "application/json" },
      body: JSON.stringify({ ...base, answers: ["a", "b".repeat(2_000_000)] }),
    });
    expect(huge.status).toBe(413);
    await expectProblem(await submit(world.learner, { ...base, version: 2, answers: ["a", "b"] }, "en"), {
      status: 409,
      code: "CONFLICT",
      customDetail: true,
    });
    const lesson = await storeGeneratedContent(deps.db, caseKey({ unitId: world.course.lessonUnitId }), {
      content: sampleCase(),
      sourcesCited: [],
      model: "offline-extractive",
      metadata: {},
    });
    await expectProblem(await submit(world.learner, { content_id: lesson.id, version: 1, answers: ["a", "b"] }, "en"), {
      status: 404,
      code: "NOT_FOUND",
    });
    expect(await deps.db.caseStudySubmission.count()).toBe(0);
    expect(await moduleCompletion()).toBeNull();
  });
});

describe("tRPC caseStudies", () => {
  it("reads without the correction, submits, then shows it and completes the unit", async () => {
    const stored = await storeCase();
    const caller = await callerAs(deps, world.learner);
    const input = { module_id: world.course.moduleId, unit_id: caseUnitId };
    const before = await caller.caseStudies.get(input);
    expect(before.correction).toBeNull();
    expect(Object.keys(before.content).sort()).toEqual(["data", "questions", "scenario", "title"]);
    const result = await caller.caseStudies.submit({
      ...input,
      content_id: stored.id,
      version: stored.version,
      answers: ["Il baisse.", "Baisser le prix."],
    });
    expect(result.case_study.correction).toEqual(sampleCase().correction);
    expect(result.unit.status).toBe("completed");
    expect(result.module.completion_pct).toBeCloseTo(33.33, 2);
    expect((await caller.caseStudies.get(input)).correction).toEqual(sampleCase().correction);
  });

  it("answers with the same refusals", async () => {
    const stored = await storeCase();
    const caller = await callerAs(deps, world.learner);
    const input = { module_id: world.course.moduleId, unit_id: caseUnitId };
    expect(
      await trpcCodeOf(caller.caseStudies.submit({ ...input, content_id: stored.id, version: 1, answers: ["a"] })),
    ).toBe("VALIDATION_FAILED");
    expect(await trpcCodeOf(caller.caseStudies.get({ module_id: lockedModuleId, unit_id: lockedCaseUnitId }))).toBe(
      "MODULE_LOCKED",
    );
    const stranger = await callerAs(deps, await signIn(deps, { role: "learner" }));
    expect(await trpcCodeOf(stranger.caseStudies.get(input))).toBe("NOT_ENROLLED");
    await expectTrpcProblem(
      app,
      world.learner,
      {
        procedure: "caseStudies.submit",
        input: { ...input, content_id: stored.id, version: 1, answers: ["a", "x".repeat(5001)] },
        mutation: true,
      },
      { status: 400, code: "VALIDATION_FAILED", lang: "en", field: "answers.1" },
    );
    await deps.db.generatedContent.deleteMany();
    await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
    expect(await trpcCodeOf(caller.caseStudies.get(input))).toBe("CASE_STUDY_NOT_READY");
    expect(await deps.db.caseStudySubmission.count()).toBe(0);
  });
});
