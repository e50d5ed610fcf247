/**
 * Retrieval quality on a labelled corpus (fixtures/retrieval-corpus.ts) with the offline hashing
 * embedder: recall@8 and MRR@8 for vector-only, full-text-only and hybrid (reciprocal rank fusion).
 * What `search` ships must be at least as good as each alternative on this set (decision 0017).
 */
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HashingEmbedder } from "../src/embeddings/hashing.ts";
import { type CourseRetriever, createRetriever } from "../src/rag/retriever.ts";
import type { RetrievedChunk, SearchOptions } from "../src/types.ts";
import { courseWithResource, insertChunks } from "./fixtures/chunks.ts";
import { COURSE_PASSAGES, DISTRACTOR_PASSAGES, QUESTIONS } from "./fixtures/retrieval-corpus.ts";

const url = process.env.DATABASE_URL as string;
const db = createDb({ url });
const embedder = new HashingEmbedder();
const K = 8;
let courseId = "";
const passageOf = new Map<string, string>();

beforeAll(async () => {
  await truncateAll(url);
  const course = await courseWithResource(db, "sante-communautaire", "guide-agent-de-sante.pdf");
  const distractor = await courseWithResource(db, "agriculture", "guide-agricole.pdf");
  courseId = course.courseId;
  for (const [target, passages] of [
    [course, COURSE_PASSAGES],
    [distractor, DISTRACTOR_PASSAGES],
  ] as const) {
    const ids = await insertChunks(db, target, passages, embedder);
    for (const [i, id] of ids.entries()) passageOf.set(id, (passages[i] as { id: string }).id);
  }
});
afterAll(() => db.$disconnect());

interface Scores {
  recall: number;
  mrr: number;
  misses: string[];
}

async function evaluate(search: (q: string, o: SearchOptions) => Promise<RetrievedChunk[]>): Promise<Scores> {
  let hits = 0;
  let reciprocal = 0;
  const misses: string[] = [];
  for (const question of QUESTIONS) {
    const results = await search(question.text, { courseId, topK: K });
    expect(results.every((r) => r.courseId === courseId)).toBe(true);
    const rank = results.findIndex((r) => question.answers.includes(passageOf.get(r.id) ?? ""));
    if (rank >= 0) {
      hits += 1;
      reciprocal += 1 / (rank + 1);
    } else misses.push(question.text);
  }
  return { recall: hits / QUESTIONS.length, mrr: reciprocal / QUESTIONS.length, misses };
}

describe("retrieval quality (offline hashing embedder)", () => {
  it("ships a search at least as good as vector-only, full-text-only and hybrid, with a meaningful recall@8", async () => {
    const retriever: CourseRetriever = createRetriever(db, embedder);
    const runs = {
      "vector only": await evaluate(retriever.vectorSearch),
      "full text only": await evaluate(retriever.fullTextSearch),
      "hybrid (RRF)": await evaluate(retriever.hybridSearch),
      "shipped search": await evaluate(retriever.search),
    };
    const lines = Object.entries(runs).map(
      ([name, s]) =>
        `  ${name.padEnd(16)} recall@${K} ${s.recall.toFixed(3)}  MRR@${K} ${s.mrr.toFixed(3)}  misses ${s.misses.length}`,
    );
    process.stdout.write(
      `\nRetrieval quality: ${QUESTIONS.length} questions, ${COURSE_PASSAGES.length} passages (+${DISTRACTOR_PASSAGES.length} in another course)\n${lines.join("\n")}\n`,
    );
    for (const [name, s] of Object.entries(runs))
      if (s.misses.length) process.stdout.write(`  ${name} missed: ${s.misses.join(" | ")}\n`);

    const shipped = runs["shipped search"];
    for (const alternative of [runs["vector only"], runs["full text only"], runs["hybrid (RRF)"]]) {
      expect(shipped.recall).toBeGreaterThanOrEqual(alternative.recall);
    }
    expect(shipped.mrr).toBeGreaterThanOrEqual(runs["full text only"].mrr);
    // Measured 0.975 / 0.926 with sira-hashing-v1 (decision 0017); the floors leave room for one more miss.
    expect(shipped.recall).toBeGreaterThanOrEqual(0.95);
    expect(shipped.mrr).toBeGreaterThanOrEqual(0.85);
  });
});
