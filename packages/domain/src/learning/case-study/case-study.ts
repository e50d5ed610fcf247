/**
 * Case studies for learners (decision 0051). A case-study unit opens under the lessons' rules
 * (enrolled or staff, module unlocked: access/learner.ts): its cached case study at the learner's
 * language, level and country, or its generation started once for everyone (409
 * CASE_STUDY_NOT_READY with Retry-After meanwhile). The correction is left out until the learner
 * has submitted answers, one per guided question; the submission is stored (a resubmission
 * replaces it, an older offline replay does not), completes the unit, and returns the correction.
 */
import {
  AppError,
  type CaseStudy,
  type CaseStudyContent,
  CaseStudyContentSchema,
  type CaseStudySubmitInput,
  type CaseStudySubmitResult,
  type Language,
} from "@sira/contracts";
import type { Db, Prisma } from "@sira/infra/db";
import type { LearnerContext } from "../../access/learner.ts";
import { type CachedContent, findCachedContent, toCached } from "../../content/cache.ts";
import { courseHasIndexedContent } from "../../content/indexed.ts";
import { type LessonDeps, startLessonGeneration } from "../../content/lessons.ts";
import { type LessonTarget, resolveLessonTarget } from "../../content/target.ts";
import { unitAction } from "../progress/actions.ts";
import { markUnitCompleted } from "../progress/units.ts";

/** Seconds a client should wait before asking again while the case study is generated. */
export const CASE_STUDY_RETRY_AFTER_SECONDS = 15;

type SubmissionRow = Prisma.CaseStudySubmissionGetPayload<object>;

/** Resolves and authorises a case-study unit: 404/403 (learner.ts), 423 when the module is locked. */
const resolveCaseStudyTarget = (db: Db, learner: LearnerContext, moduleId: string, unitId: string) =>
  resolveLessonTarget(db, learner, moduleId, unitId, { unitType: "case_study", contentType: "case" });

function toSubmission(row: SubmissionRow): NonNullable<CaseStudy["submission"]> {
  return {
    id: row.id,
    unit_id: row.unitId,
    content_id: row.contentId,
    content_version: row.contentVersion,
    language: row.language as Language,
    answers: Array.isArray(row.answers) ? row.answers.map(String) : [],
    submitted_at: row.submittedAt.toISOString(),
  };
}

function toCaseStudy(cached: CachedContent, submission: SubmissionRow | null): CaseStudy {
  const { correction, ...content } = cached.content as CaseStudyContent;
  return {
    id: cached.id,
    module_id: cached.moduleId,
    unit_id: cached.unitId as string,
    language: cached.language,
    level: cached.level,
    country_context: cached.country,
    version: cached.version,
    validated: cached.validated,
    offline: cached.offline,
    generated_at: cached.generatedAt,
    content,
    sources_cited: cached.sourcesCited,
    submission: submission ? toSubmission(submission) : null,
    correction: submission ? correction : null,
  };
}

function findSubmission(db: Db, userId: string, unitId: string) {
  return db.caseStudySubmission.findUnique({ where: { userId_unitId: { userId, unitId } } });
}

/** The case study without its correction until submitted; its generation started when missing. */
export async function getCaseStudy(
  deps: LessonDeps,
  learner: LearnerContext,
  moduleId: string,
  unitId: string,
): Promise<CaseStudy> {
  const target = await resolveCaseStudyTarget(deps.db, learner, moduleId, unitId);
  const cached = await findCachedContent(deps, target.key);
  if (!cached) {
    if (!(await courseHasIndexedContent(deps.db, target.courseId))) throw new AppError("NO_INDEXED_CONTENT");
    await startLessonGeneration(deps, target, learner);
    throw new AppError("CASE_STUDY_NOT_READY", { retryAfterSeconds: CASE_STUDY_RETRY_AFTER_SECONDS });
  }
  return toCaseStudy(cached, await findSubmission(deps.db, learner.viewer.userId, unitId));
}

/** The case study answered: one of this unit's, at the version the learner read. */
async function answeredContent(db: Db, target: LessonTarget, input: CaseStudySubmitInput): Promise<CachedContent> {
  const row = await db.generatedContent.findFirst({
    where: { id: input.content_id, moduleId: target.moduleId, unitId: target.unitId, contentType: "case" },
  });
  if (!row) throw new AppError("NOT_FOUND");
  if (row.version !== input.version) {
    throw new AppError("CONFLICT", {
      details: {
        en: "This case study has been updated since you read it: read it again before submitting.",
        fr: "Cette étude de cas a été mise à jour depuis votre lecture : relisez-la avant d'envoyer vos réponses.",
      },
    });
  }
  const cached = toCached(row);
  const parsed = CaseStudyContentSchema.safeParse(cached.content);
  if (!parsed.success) throw new AppError("NOT_FOUND");
  const expected = parsed.data.questions.length;
  if (input.answers.length !== expected) {
    const message = `Expected ${expected} answers, one per guided question`;
    throw new AppError("VALIDATION_FAILED", {
      fieldErrors: [{ field: "answers", code: input.answers.length < expected ? "too_small" : "too_big", message }],
      details: {
        en: `${message}.`,
        fr: `${expected} réponses sont attendues, une par question guidée.`,
      },
    });
  }
  return { ...cached, content: parsed.data };
}

/**
 * Stores the learner's answers (see the module comment) and completes the unit in the same
 * transaction; the answer carries the case study with its correction, the unit's progress and the
 * modules this completion opened. The first submission records a `unit_complete` usage event.
 */
export async function submitCaseStudy(
  deps: LessonDeps,
  learner: LearnerContext,
  moduleId: string,
  unitId: string,
  input: CaseStudySubmitInput,
  at: Date,
): Promise<CaseStudySubmitResult> {
  const target = await resolveCaseStudyTarget(deps.db, learner, moduleId, unitId);
  const content = await answeredContent(deps.db, target, input);
  const userId = learner.viewer.userId;
  const answers = JSON.stringify(input.answers);
  let first = false;
  const action = await unitAction(deps, learner.viewer, { moduleId, unitId }, at, async (tx) => {
    const [row] = await tx.$queryRaw<{ inserted: boolean }[]>`
      INSERT INTO case_study_submissions AS s
        (user_id, unit_id, content_id, content_version, language, answers, submitted_at, updated_at)
      VALUES (${userId}::uuid, ${unitId}::uuid, ${content.id}::uuid, ${content.version}, ${content.language},
        ${answers}::jsonb, ${at}::timestamptz, now())
      ON CONFLICT (user_id, unit_id) DO UPDATE SET
        content_id = EXCLUDED.content_id,
        content_version = EXCLUDED.content_version,
        language = EXCLUDED.language,
        answers = EXCLUDED.answers,
        submitted_at = EXCLUDED.submitted_at,
        updated_at = now()
      WHERE EXCLUDED.submitted_at >= s.submitted_at
        AND (s.answers IS DISTINCT FROM EXCLUDED.answers
          OR s.content_id IS DISTINCT FROM EXCLUDED.content_id
          OR s.content_version IS DISTINCT FROM EXCLUDED.content_version)
      RETURNING (xmax = 0) AS inserted`;
    first = row?.inserted ?? false;
    await markUnitCompleted(tx, { userId, unitId, at });
  });
  if (first) {
    deps.usage.record({
      kind: "unit_complete",
      userId,
      courseId: target.courseId,
      metadata: { unit_id: unitId, unit_type: "case_study" },
      occurredAt: at,
    });
  }
  const submission = await findSubmission(deps.db, userId, unitId);
  return { ...action, case_study: toCaseStudy(content, submission) };
}
