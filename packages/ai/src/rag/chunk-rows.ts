/** The columns every search reads, and their mapping to `RetrievedChunk`. */
import type { Language } from "@sira/contracts";
import { Prisma } from "@sira/infra/db";
import type { RetrievedChunk } from "../types.ts";

export interface ChunkRow {
  id: string;
  course_id: string;
  resource_id: string;
  chunk_index: number;
  content: string;
  filename: string;
  chapter: string | null;
  page: number | null;
  language: string;
  low_confidence: boolean;
}

/** Columns of `document_chunks c JOIN course_resources r`. */
export const CHUNK_COLUMNS = Prisma.sql`c.id::text AS id, c.course_id::text AS course_id,
  c.resource_id::text AS resource_id, c.chunk_index, c.content, r.filename, c.chapter, c.page, c.language,
  c.low_confidence`;

export interface ChunkFilter {
  courseId: string;
  resourceIds?: string[] | undefined;
}

/** The filter every search starts from: one course, optionally some of its resources. */
export function chunkFilter({ courseId, resourceIds }: ChunkFilter): Prisma.Sql {
  const resources = resourceIds?.length ? Prisma.sql`AND c.resource_id = ANY(${resourceIds}::uuid[])` : Prisma.empty;
  return Prisma.sql`c.course_id = ${courseId}::uuid ${resources}`;
}

export function toRetrievedChunk(row: ChunkRow, score: number): RetrievedChunk {
  return {
    id: row.id,
    courseId: row.course_id,
    resourceId: row.resource_id,
    chunkIndex: row.chunk_index,
    text: row.content,
    source: row.filename,
    chapter: row.chapter,
    page: row.page,
    language: row.language as Language,
    score,
    ...(row.low_confidence ? { lowConfidence: true } : {}),
  };
}
