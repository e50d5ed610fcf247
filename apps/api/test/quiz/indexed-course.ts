/** A course's documents as the indexing job leaves them, for suites whose banks the real worker generates. */
import { replaceResourceChunks } from "@sira/ai";
import { COURSE_PASSAGES, DISTRACTOR_PASSAGES } from "../../../../packages/ai/test/fixtures/retrieval-corpus.ts";
import type { AppDeps } from "../../src/app-types.ts";

/** One resource of the retrieval corpus's passages, its chunks embedded and indexed. */
export async function indexCourseText(deps: AppDeps, courseId: string): Promise<void> {
  const passages = [...COURSE_PASSAGES, ...DISTRACTOR_PASSAGES];
  const resource = await deps.db.courseResource.create({
    data: {
      courseId,
      filename: "sante.pdf",
      contentHash: crypto.randomUUID(),
      mimeType: "application/pdf",
      byteSize: 1000,
      storageKey: `test/${crypto.randomUUID()}`,
      indexStatus: "done",
      indexProgressPct: 100,
      chunkCount: passages.length,
      pageCount: passages.length,
      charCount: passages.reduce((n, p) => n + p.text.length, 0),
    },
  });
  const vectors = await deps.ai.embedder.embed(passages.map((p) => p.text));
  const chunks = passages.map((p, index) => ({
    index,
    tokenCount: 40,
    text: p.text,
    language: p.language,
    chapter: p.chapter,
    page: index + 1,
  }));
  const source = { courseId, resourceId: resource.id, filename: "sante.pdf" };
  await deps.db.$transaction((tx) => replaceResourceChunks(tx, source, chunks, vectors, deps.ai.embedder.model));
}
