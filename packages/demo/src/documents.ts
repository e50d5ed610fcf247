/**
 * The demo courses' own documents (bilingual Markdown), uploaded through the same path as an
 * admin's upload: checked, stored, deduplicated by content hash and queued for indexing, so the
 * worker indexes them and lessons can be generated from them. Re-running changes nothing.
 */
import { readFile } from "node:fs/promises";
import { type ResourceDeps, uploadCourseResource } from "@sira/domain";
import type { DemoSeedResult } from "./seed.ts";

export const DEMO_DOCUMENTS = [
  { course: "sante-publique-epidemiologie", file: "epidemiologie.md" },
  { course: "gestion-financiere-cooperatives", file: "cooperatives.md" },
] as const;

export async function seedDemoDocuments(
  deps: ResourceDeps,
  seeded: DemoSeedResult,
): Promise<{ course: string; resourceId: string; duplicate: boolean }[]> {
  const results = [];
  for (const doc of DEMO_DOCUMENTS) {
    const courseId = seeded.courseIds[doc.course];
    if (!courseId) continue;
    const bytes = new Uint8Array(await readFile(new URL(`./documents/${doc.file}`, import.meta.url)));
    const uploaded = await uploadCourseResource(
      deps,
      { userId: seeded.adminId, role: "admin" },
      {
        courseId,
        filename: doc.file,
        content: (async function* () {
          yield bytes;
        })(),
      },
      { requestId: null, ip: null },
    );
    results.push({ course: doc.course, resourceId: uploaded.id, duplicate: uploaded.duplicate === true });
  }
  return results;
}
