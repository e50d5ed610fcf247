/** Cached lessons for the content suites, stored as the offline generator stores them. */
import type { LessonContent } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import { type CacheKey, storeGeneratedContent } from "../../../../packages/domain/src/content/index.ts";
import { sampleSource } from "../../../../packages/domain/test/content/fixtures.ts";

/** Stores `content` under `key` with one cited source, by the offline model: a lesson ready to serve. */
export function storeOfflineLesson(db: Db, key: CacheKey, content: LessonContent) {
  return storeGeneratedContent(db, key, {
    content,
    sourcesCited: [sampleSource()],
    model: "offline-extractive",
    metadata: { offline: true },
  });
}
