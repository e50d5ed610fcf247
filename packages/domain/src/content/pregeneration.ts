/**
 * Bulk pre-generation of a module: every lesson (one per lesson unit), case study (one per case
 * unit), and the module's quiz and flashcards (module-level, unit_id null), in each language asked.
 * The job queues one generation per missing item under the item's own deterministic id (the same
 * one a learner's request would use), so it can be re-run at any point and never duplicates work.
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
import { jobIdFor } from "@sira/infra";
import type { Db } from "@sira/infra/db";
import type { Viewer } from "../access/actor.ts";
import { manageableCourses } from "../access/readable.ts";
import { enqueue, jobState } from "../jobs/enqueue.ts";
import type { JobPayload } from "../jobs/registry.ts";
import type { CacheKey } from "./cache-key.ts";
import type { ContentDeps } from "./deps.ts";
import { enqueueGeneration } from "./generation.ts";
import { courseHasIndexedContent } from "./indexed.ts";

export type PregenerationJobData = JobPayload<"pregenerate">;

async function manageableModule(db: Db, viewer: Viewer, moduleId: string) {
  const module = await db.module.findFirst({
    where: { id: moduleId, course: manageableCourses(viewer) },
    select: { id: true, level: true, courseId: true },
  });
  if (!module?.courseId) throw new AppError("NOT_FOUND");
  return { ...module, courseId: module.courseId };
}

/** The job's parameters: defaults are every type but case studies, both languages, the module's level. */
export function pregenerationPlan(
  moduleId: string,
  moduleLevel: number,
  input: Partial<PregenerateInput>,
  fallbackCountry: string,
): PregenerationJobData {
  const types = input.content_types ?? PREGENERATION_TYPES.filter((t) => t !== "case");
  return {
    moduleId,
    contentTypes: [...new Set(types)].sort() as ContentType[],
    languages: [...new Set(input.languages ?? LANGUAGES)].sort() as Language[],
    level: input.level ?? moduleLevel,
    country: (input.country ?? fallbackCountry).toUpperCase(),
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

/** Queues the module's pre-generation (409 NO_INDEXED_CONTENT when the course has no indexed document). */
export async function startPregeneration(
  deps: Pick<ContentDeps, "db" | "config">,
  viewer: Viewer,
  moduleId: string,
  input: PregenerateInput,
  fallbackCountry: string,
): Promise<Pregeneration> {
  const module = await manageableModule(deps.db, viewer, moduleId);
  if (!(await courseHasIndexedContent(deps.db, module.courseId))) throw new AppError("NO_INDEXED_CONTENT");
  const plan = pregenerationPlan(moduleId, module.level, input, fallbackCountry);
  await enqueue(deps, "pregenerate", plan, pregenerationJobId(plan));
  return progressOf(deps, plan);
}

/** Progress of a module's pre-generation with these options: what is stored, what is pending. */
export async function pregenerationProgress(
  deps: Pick<ContentDeps, "db" | "config">,
  viewer: Viewer,
  moduleId: string,
  input: Partial<PregenerateInput>,
  fallbackCountry: string,
): Promise<Pregeneration> {
  const module = await manageableModule(deps.db, viewer, moduleId);
  return progressOf(deps, pregenerationPlan(moduleId, module.level, input, fallbackCountry));
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
