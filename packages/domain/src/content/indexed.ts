/** Whether retrieval has anything to find for a course: the check before any generation starts. */
import type { Db } from "@sira/infra/db";

/** True once at least one chunk of the course is embedded (retrieval has something to find). */
export async function courseHasIndexedContent(db: Db, courseId: string): Promise<boolean> {
  const chunk = await db.documentChunk.findFirst({
    where: { courseId, embeddingModel: { not: null } },
    select: { id: true },
  });
  return chunk !== null;
}
