/** Shared by the course-document API tests: courses, multipart uploads and tRPC callers. */
import type { App } from "../../src/app.ts";
import type { AppDeps } from "../../src/app-types.ts";
import type { SignedIn } from "../helpers.ts";
import { callerAs, type TestCaller } from "../trpc-caller.ts";

export { buildTestPdf, testPng, testWebp } from "../../../../packages/domain/test/fixtures/pdf.ts";
export { buildTestDocx } from "../../../../packages/domain/test/resources/docx-fixture.ts";
export { bilingualPdf, imageInfo, SAMPLE_TEXT } from "../../../../packages/domain/test/resources/helpers.ts";

export async function makeCourse(deps: AppDeps, expertId: string | null = null): Promise<string> {
  const row = await deps.db.course.create({
    data: {
      slug: `cours-${crypto.randomUUID().slice(0, 8)}`,
      titleFr: "Santé publique",
      titleEn: "Public health",
      status: "published",
      expertId,
      createdById: expertId,
    },
  });
  return row.id;
}

export const resourcesPath = (courseId: string) => `/api/v1/admin/courses/${courseId}/resources`;

/** POSTs `bytes` as the multipart field `field` (default `file`). */
export async function upload(
  app: App,
  user: SignedIn | null,
  courseId: string,
  bytes: Uint8Array,
  filename: string,
  options: { field?: string; lang?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const form = new FormData();
  form.append(options.field ?? "file", new Blob([bytes]), filename);
  return app.request(resourcesPath(courseId), {
    method: "POST",
    body: form,
    headers: { "accept-language": options.lang ?? "en", ...(user?.headers ?? {}), ...(options.headers ?? {}) },
  });
}

export async function setMaxUploadMb(deps: AppDeps, mb: number): Promise<void> {
  await deps.db.platformSetting.upsert({
    where: { key: "uploads.max_mb" },
    create: { key: "uploads.max_mb", value: mb },
    update: { value: mb },
  });
}

/** A tRPC caller for the user (null: anonymous), in English unless told. */
export async function callerFor(deps: AppDeps, user: SignedIn | null, lang: "fr" | "en" = "en"): Promise<TestCaller> {
  return await callerAs(deps, user, { lang });
}
