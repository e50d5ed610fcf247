/**
 * Bulk pre-generation of a module: every lesson (one per lesson unit), case study (one per case
 * unit), and the module's quiz and flashcards (module-level, unit_id null), in each language asked.
 * The job queues one generation per missing item under the item's own deterministic id (the same
 * one a learner's request would use), so it can be re-run at any point and never duplicates work.
 * It generates for a country learners are served (GENERATION_COUNTRIES), and each request is
 * audited: every missing item is a paid model call (decision 0028).
 */
import {
  AppError,
  type ContentType,
  LANGUAGES,
  type Language,
  PREGENERATION_TYPES,
  type PregenerateInput,
  type Pregeneration,
} from "@sira/contracts";
import { type Config, jobIdFor } from "@sira/infra";
import type { Db } from "@sira/infra/db";
import type { Viewer } from "../access/actor.ts";
import { manageableCourses } from "../access/readable.ts";
import { writeAudit } from "../audit.ts";
import { enqueue, jobState } from "../jobs/enqueue.ts";
import type { JobPayload } from "../jobs/registry.ts";
import type { AuditMeta } from "../request-meta.ts";
import type { CacheKey } from "./cache-key.ts";
import type { ContentDeps } from "./deps.ts";
import { enqueueGeneration } from "./generation.ts";
import { countryContext } from "./generation-quota.ts";
import { courseHasIndexedContent } from "./indexed.ts";

export type PregenerationJobData = JobPayload<"pregenerate">;

/** Planning reads the countries learners are served. */
type PlanDeps = Pick<ContentDeps, "db"> & { config: Pick<Config, "QUEUE_PREFIX" | "GENERATION_COUNTRIES"> };

async function manageableModule(db: Db, viewer: Viewer, moduleId: string) {
  const module = await db.module.findFirst({
    where: { id: moduleId, course: manageableCourses(viewer) },
    select: { id: true, level: true, courseId: true },
  });
  if (!module?.courseId) throw new AppError("NOT_FOUND");
  return { ...module, courseId: module.courseId };
}

/**
 * The country a plan generates for: the one asked, which must be one learners are served (else
 * 400 VALIDATION_FAILED), or by default the one a learner from `callerCountry` is served.
 */
function pregenerationCountry(asked: string | undefined, callerCountry: string, served: readonly string[]): string {
  if (asked === undefined) return countryContext(callerCountry, served);
  const code = asked.trim().toUpperCase();
  if (served.includes(code)) return code;
  const list = served.join(", ");
  throw new AppError("VALIDATION_FAILED", {
    fieldErrors: [{ field: "country", code: "not_served", message: `Learners are served one of: ${list}` }],
    details: {
      en: `No learner is served content for ${code}. Pre-generate for one of: ${list}.`,
      fr: `Aucun apprenant ne reçoit de contenu pour ${code}. Pré-générez pour l'un de ces pays : ${list}.`,
    },
  });
}

/** The job's parameters: defaults are every type but case studies, both languages, the module's level. */
export function pregenerationPlan(
  moduleId: string,
  moduleLevel: number,
  input: Partial<PregenerateInput>,
  callerCountry: string,
  served: readonly string[],
): PregenerationJobData {
  const types = input.content_types ?? PREGENERATION_TYPES.filter((t) => t !== "case");
  return {
    moduleId,
    contentTypes: [...new Set(types)].sort() as ContentType[],
    languages: [...new Set(input.languages ?? LANGUAGES)].sort() as Language[],
    level: input.level ?? moduleLevel,
    country: pregenerationCountry(input.country, callerCountry, served),
  };
}

export const pregenerationJobId = (p: PregenerationJobData): string =>
  jobIdFor("pregen", p.moduleId, p.contentTypes.join("+"), p.languages.join("+"), p.level, p.country);

/** Every cache key the plan covers, in a stable order. */
export async function pregenerationItems(db: Db, plan: PregenerationJobData): Promise<CacheKey[]> {
  const units = await db.moduleUnit.findMany({
    where: { moduleId: plan.moduleId, unitType: { in: ["lesson", "case_study"] } },
    orderBy: { unitNumber: "asc" },
    select: { id: true, unitType: true },
  });
  const keys: CacheKey[] = [];
  for (const language of plan.languages) {
    const base = { moduleId: plan.moduleId, language, level: plan.level, country: plan.country };
    for (const type of plan.contentTypes) {
      if (type === "quiz" || type === "flashcard") keys.push({ ...base, unitId: null, contentType: type });
      const unitType = type === "lesson" ? "lesson" : type === "case" ? "case_study" : null;
      for (const u of units.filter((unit) => unit.unitType === unitType)) {
        keys.push({ ...base, unitId: u.id, contentType: type });
      }
    }
  }
  return keys;
}

const keyString = (k: { unitId: string | null; contentType: string; language: string }) =>
  `${k.unitId ?? "-"}|${k.contentType}|${k.language}`;

async function progressOf(
  deps: Pick<ContentDeps, "db" | "config">,
  plan: PregenerationJobData,
): Promise<Pregeneration> {
  return (await planState(deps, plan)).progress;
}

/** What the plan holds, what is stored, and the keys still missing. */
async function planState(
  deps: Pick<ContentDeps, "db" | "config">,
  plan: PregenerationJobData,
): Promise<{ progress: Pregeneration; missing: CacheKey[] }> {
  const [items, stored, state] = await Promise.all([
    pregenerationItems(deps.db, plan),
    deps.db.generatedContent.findMany({
      where: {
        moduleId: plan.moduleId,
        level: plan.level,
        countryContext: plan.country,
        contentType: { in: plan.contentTypes },
        language: { in: plan.languages },
      },
      select: { id: true, unitId: true, contentType: true, language: true },
    }),
    jobState(deps, "pregenerate", pregenerationJobId(plan)),
  ]);
  const ready = new Map(stored.map((s) => [keyString(s), s.id]));
  const view = items.map((k) => {
    const id = ready.get(keyString(k)) ?? null;
    return {
      content_type: k.contentType,
      unit_id: k.unitId,
      language: k.language,
      status: id ? ("ready" as const) : ("pending" as const),
      content_id: id,
    };
  });
  const progress = {
    module_id: plan.moduleId,
    job_id: pregenerationJobId(plan),
    state,
    level: plan.level,
    country: plan.country,
    total: view.length,
    ready: view.filter((i) => i.status === "ready").length,
    items: view,
  };
  return { progress, missing: items.filter((k) => !ready.has(keyString(k))) };
}

/**
 * Queues the module's pre-generation, audited (409 NO_INDEXED_CONTENT when the course has no
 * indexed document). By default it generates for the country `callerCountry` is served as.
 */
export async function startPregeneration(
  deps: PlanDeps,
  viewer: Viewer,
  moduleId: string,
  input: PregenerateInput,
  callerCountry: string,
  meta: AuditMeta,
): Promise<Pregeneration> {
  const module = await manageableModule(deps.db, viewer, moduleId);
  if (!(await courseHasIndexedContent(deps.db, module.courseId))) throw new AppError("NO_INDEXED_CONTENT");
  const plan = pregenerationPlan(moduleId, module.level, input, callerCountry, deps.config.GENERATION_COUNTRIES);
  const jobId = pregenerationJobId(plan);
  // Written before the job is queued: a request that queues paid generation is never unrecorded.
  await writeAudit(deps.db, {
    actorId: viewer.userId,
    action: "module.pregeneration_requested",
    targetType: "module",
    targetId: moduleId,
    after: {
      course_id: module.courseId,
      content_types: plan.contentTypes,
      languages: plan.languages,
      level: plan.level,
      country: plan.country,
      job_id: jobId,
    },
    requestId: meta.requestId,
    ip: meta.ip,
  });
  await enqueue(deps, "pregenerate", plan, jobId);
  return progressOf(deps, plan);
}

/** Progress of a module's pre-generation with these options: what is stored, what is pending. */
export async function pregenerationProgress(
  deps: PlanDeps,
  viewer: Viewer,
  moduleId: string,
  input: Partial<PregenerateInput>,
  callerCountry: string,
): Promise<Pregeneration> {
  const module = await manageableModule(deps.db, viewer, moduleId);
  return progressOf(
    deps,
    pregenerationPlan(moduleId, module.level, input, callerCountry, deps.config.GENERATION_COUNTRIES),
  );
}

/** The pre-generation job: queues each missing item (already queued or stored items are skipped). */
export async function runPregeneration(
  deps: ContentDeps,
  plan: PregenerationJobData,
): Promise<{ total: number; queued: number; ready: number }> {
  const { progress, missing } = await planState(deps, plan);
  // Deterministic job ids make these idempotent, so they may go out together.
  await Promise.all(missing.map((key) => enqueueGeneration(deps, { key })));
  return { total: progress.total, queued: missing.length, ready: progress.ready };
}
