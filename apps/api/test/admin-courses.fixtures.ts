/** Shared fixtures for the back-office course, audit-log and analytics tests. */
import type { Problem } from "@sira/contracts";
import type { App } from "../src/app.ts";
import type { AppDeps } from "../src/app-types.ts";
import type { SignedIn } from "./helpers.ts";
import { callerAs, type TestCaller } from "./trpc-caller.ts";

export const COURSES = "/api/v1/admin/courses";

/** A REST call as a signed-in user (or anonymously), with a JSON body when given. */
export async function call(
  app: App,
  method: string,
  path: string,
  options: { as?: SignedIn | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  return await app.request(path, {
    method,
    headers: { "content-type": "application/json", ...(options.as?.headers ?? {}), ...(options.headers ?? {}) },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
}

/** An admin turns `courses.experts_can_publish` on or off through the settings API. */
export async function letExpertsPublish(app: App, admin: SignedIn, on: boolean): Promise<void> {
  const res = await call(app, "PUT", "/api/v1/admin/settings/courses.experts_can_publish", {
    as: admin,
    body: { value: on },
  });
  if (res.status !== 200) throw new Error(`the setting was refused: ${res.status} ${await res.text()}`);
}

export async function problemOf(res: Response): Promise<Problem> {
  return (await res.json()) as Problem;
}

/** A tRPC caller for the user, in English unless told. */
export async function callerFor(
  deps: AppDeps,
  user: SignedIn,
  lang: "fr" | "en" = "en",
  requestId = "trpc-test-0001",
): Promise<TestCaller> {
  return await callerAs(deps, user, { lang, requestId });
}

export interface SeedCourse {
  slug?: string;
  titleFr?: string;
  titleEn?: string;
  descriptionFr?: string | null;
  descriptionEn?: string | null;
  status?: "draft" | "published" | "archived";
  visibility?: "public" | "private";
  expertId?: string | null;
  createdById?: string | null;
  modules?: number;
  updatedAt?: Date;
}

/** A course written straight to the database, with `modules` modules of one lesson each. */
export async function seedCourse(deps: AppDeps, seed: SeedCourse = {}): Promise<{ id: string; moduleIds: string[] }> {
  const course = await deps.db.course.create({
    data: {
      slug: seed.slug ?? `cours-${crypto.randomUUID().slice(0, 8)}`,
      titleFr: seed.titleFr ?? "Santé publique",
      titleEn: seed.titleEn ?? "Public health",
      descriptionFr: seed.descriptionFr === undefined ? "Les bases de la santé publique." : seed.descriptionFr,
      descriptionEn: seed.descriptionEn === undefined ? "Public health basics." : seed.descriptionEn,
      status: seed.status ?? "draft",
      visibility: seed.visibility ?? "public",
      expertId: seed.expertId ?? null,
      createdById: seed.createdById ?? null,
      ...(seed.status === "published" ? { publishedAt: new Date(), creationStep: "published" } : {}),
      ...(seed.updatedAt ? { updatedAt: seed.updatedAt } : {}),
    },
  });
  const moduleIds: string[] = [];
  for (let n = 1; n <= (seed.modules ?? 0); n += 1) {
    const mod = await deps.db.module.create({
      data: {
        courseId: course.id,
        moduleNumber: n,
        level: 1,
        titleFr: `Module ${n}`,
        titleEn: `Module ${n}`,
        descriptionFr: "Description",
        descriptionEn: "Description",
        estimatedHours: 2,
        bloomLevel: "understand",
        units: { create: { unitNumber: 1, unitType: "lesson", titleFr: "Leçon", titleEn: "Lesson" } },
      },
    });
    moduleIds.push(mod.id);
  }
  return { id: course.id, moduleIds };
}

/** A taxonomy category. */
export async function seedCategory(
  deps: AppDeps,
  slug: string,
  type: "domain" | "level" | "audience" = "domain",
): Promise<string> {
  const row = await deps.db.taxonomyCategory.create({
    data: { slug, type, labelFr: `${slug} (fr)`, labelEn: `${slug} (en)` },
  });
  return row.id;
}

/** Every audit row about one target, oldest first. */
export function auditRowsFor(deps: AppDeps, targetId: string) {
  return deps.db.auditLog.findMany({ where: { targetId }, orderBy: { createdAt: "asc" } });
}
