/** The retriever on the real database: course and model isolation, topK, the two paths, parameters. */
import { createDb, Prisma } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { HashingEmbedder } from "../src/embeddings/hashing.ts";
import { createRetriever } from "../src/rag/retriever.ts";
import { vectorLiteral } from "../src/rag/vector-literal.ts";
import {
  exactSearch,
  exactSearchSql,
  hnswSettingsSql,
  indexSearchSql,
  quantizedSearch,
  quantizedSearchSql,
} from "../src/rag/vector-search.ts";
import {
  addResource,
  type ChunkSeed,
  courseWithResource,
  insertChunks,
  insertRandomChunks,
} from "./fixtures/chunks.ts";

const url = process.env.DATABASE_URL as string;
const db = createDb({ url });
const embedder = new HashingEmbedder();
beforeEach(() => truncateAll(url));
afterAll(() => db.$disconnect());

const PASSAGES: ChunkSeed[] = [
  {
    text: "Le paludisme se transmet par la piqûre du moustique anophèle femelle infecté.",
    chapter: "Paludisme",
    page: 3,
  },
  {
    text: "La moustiquaire imprégnée d'insecticide protège les enfants pendant la nuit.",
    chapter: "Paludisme",
    page: 4,
  },
  {
    text: "La rougeole est une maladie virale très contagieuse ; le vaccin se donne à 9 mois.",
    chapter: "Vaccins",
    page: 7,
  },
  { text: "La chaîne du froid garde les vaccins entre 2 et 8 degrés jusqu'au village.", chapter: "Vaccins", page: 8 },
  { text: "Oral rehydration salts treat dehydration caused by diarrhoea in young children.", language: "en", page: 11 },
  { text: "Handwashing with soap before meals cuts diarrhoea cases by a third.", language: "en", page: 12 },
  { text: "L'allaitement exclusif est recommandé pendant les six premiers mois.", chapter: "Nutrition", page: 15 },
  { text: "Le périmètre brachial mesure la malnutrition aiguë chez l'enfant de 6 à 59 mois.", chapter: "Nutrition" },
  { text: "Le registre du district consigne chaque consultation de l'agent de santé.", page: 20 },
  { text: "La tuberculose se soigne en six mois de traitement sous observation directe.", page: 22 },
];

async function seededCourse(slug = "sante") {
  const target = await courseWithResource(db, slug, `${slug}-guide.pdf`);
  const ids = await insertChunks(db, target, PASSAGES, embedder);
  return { ...target, ids };
}

describe("retriever.search", () => {
  it("returns typed chunks of the course, best first, with source, chapter, page and score", async () => {
    const { courseId, resourceId, ids } = await seededCourse();
    const retriever = createRetriever(db, embedder);
    const results = await retriever.search("Comment le paludisme se transmet-il ?", { courseId });

    expect(results).toHaveLength(8);
    expect(results[0]).toEqual({
      id: ids[0],
      courseId,
      resourceId,
      chunkIndex: 0,
      text: PASSAGES[0]?.text,
      source: "sante-guide.pdf",
      chapter: "Paludisme",
      page: 3,
      language: "fr",
      score: expect.any(Number),
    });
    const scores = results.map((r) => r.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(scores[0]).toBeGreaterThan((scores[1] as number) + 0.05);
  });

  it("never returns another course's chunks, even ones that match the question word for word", async () => {
    const a = await seededCourse("cours-a");
    const b = await courseWithResource(db, "cours-b");
    const question = "Quel est le calendrier de vaccination contre la rougeole ?";
    const [intruder] = await insertChunks(db, b, [{ text: question }], embedder);
    const retriever = createRetriever(db, embedder);

    for (const mode of ["exact", "quantized", "index", "auto"] as const) {
      const inA = await retriever.search(question, { courseId: a.courseId, mode, topK: 20 });
      expect(inA).toHaveLength(PASSAGES.length);
      expect(inA.every((r) => r.courseId === a.courseId && a.ids.includes(r.id))).toBe(true);
    }
    for (const search of [retriever.fullTextSearch, retriever.hybridSearch]) {
      const inA = await search(question, { courseId: a.courseId, topK: 20 });
      expect(inA.map((r) => r.id)).not.toContain(intruder);
    }
    const inB = await retriever.search(question, { courseId: b.courseId });
    expect(inB.map((r) => r.id)).toEqual([intruder]);
  });

  it("always returns min(topK, chunks in the course), whatever the question", async () => {
    const { courseId } = await seededCourse();
    const empty = await courseWithResource(db, "vide");
    const retriever = createRetriever(db, embedder);
    for (const mode of ["exact", "quantized", "index"] as const) {
      expect(await retriever.search("zzkq wvvx", { courseId, mode })).toHaveLength(8);
      expect(await retriever.search("", { courseId, mode, topK: 3 })).toHaveLength(3);
      expect(await retriever.search("paludisme", { courseId, mode, topK: 50 })).toHaveLength(PASSAGES.length);
      expect(await retriever.search("paludisme", { courseId: empty.courseId, mode })).toEqual([]);
    }
    expect(await retriever.hybridSearch("zzkq", { courseId })).toHaveLength(8);
    await expect(retriever.search("x", { courseId, topK: 0 })).rejects.toThrow(RangeError);
  });

  it("never mixes embedding models: chunks embedded by another model are invisible", async () => {
    const { courseId, resourceId } = await seededCourse();
    const question = "Le paludisme se transmet par la piqûre du moustique anophèle femelle infecté.";
    const [other] = await insertChunks(
      db,
      { courseId, resourceId },
      [{ text: question }],
      embedder,
      "text-embedding-3-small",
    );
    const retriever = createRetriever(db, embedder);
    for (const mode of ["exact", "quantized", "index"] as const) {
      const results = await retriever.search(question, { courseId, mode, topK: 50 });
      expect(results).toHaveLength(PASSAGES.length);
      expect(results.map((r) => r.id)).not.toContain(other);
    }
    expect((await retriever.hybridSearch(question, { courseId, topK: 50 })).map((r) => r.id)).not.toContain(other);
  });

  it("restricts to some resources of the course when asked", async () => {
    const { courseId } = await seededCourse();
    const second = await addResource(db, courseId, "annexe.pdf");
    const [annex] = await insertChunks(
      db,
      { courseId, resourceId: second },
      [{ text: "Annexe : fiche de stock des vaccins." }],
      embedder,
    );
    const results = await createRetriever(db, embedder).search("paludisme", { courseId, resourceIds: [second] });
    expect(results.map((r) => [r.id, r.source])).toEqual([[annex, "annexe.pdf"]]);
  });

  it("prefers, but does not require, chunks in the requested language", async () => {
    const target = await courseWithResource(db, "bilingue");
    const text = "Paludisme malaria Sahel 2026";
    const [fr, en] = await insertChunks(
      db,
      target,
      [
        { text, language: "fr" },
        { text, language: "en" },
      ],
      embedder,
    );
    const retriever = createRetriever(db, embedder);
    for (const mode of ["exact", "quantized", "index"] as const) {
      const inEnglish = await retriever.search(text, { courseId: target.courseId, language: "en", mode });
      expect(inEnglish.map((r) => r.id)).toEqual([en, fr]);
      const inFrench = await retriever.search(text, { courseId: target.courseId, language: "fr", mode });
      expect(inFrench.map((r) => r.id)).toEqual([fr, en]);
      // The boost decides which chunks make the cut, not only their order.
      const one = (language: "fr" | "en") =>
        retriever.search(text, { courseId: target.courseId, language, mode, topK: 1 });
      expect((await one("en")).map((r) => r.id)).toEqual([en]);
      expect((await one("fr")).map((r) => r.id)).toEqual([fr]);
    }
  });

  it("treats quotes, SQL and tsquery operators in a question as plain text", async () => {
    const { courseId } = await seededCourse();
    const retriever = createRetriever(db, embedder);
    for (const question of [
      "'); DROP TABLE document_chunks; --",
      "paludisme & | ! :* ( ) <-> \\ '",
      "\u0000\u00a0'\"`",
    ]) {
      expect(await retriever.search(question, { courseId })).toHaveLength(8);
      expect(await retriever.hybridSearch(question, { courseId })).toHaveLength(8);
      await retriever.fullTextSearch(question, { courseId });
    }
    expect(await db.documentChunk.count()).toBe(PASSAGES.length);
  });

  it("finds words in full text without regard to accents or case", async () => {
    const { courseId, ids } = await seededCourse();
    const results = await createRetriever(db, embedder).fullTextSearch("ROUGEOLE vaccin a 9 MOIS", { courseId });
    expect(results[0]?.id).toBe(ids[2]);
    const accents = await createRetriever(db, embedder).fullTextSearch("chaine du froid", { courseId });
    expect(accents[0]?.id).toBe(ids[3]);
  });
});

describe("search paths", () => {
  it("searches small courses on their quantised embeddings and large ones through the index", async () => {
    const { courseId } = await seededCourse();
    expect(await createRetriever(db, embedder).pathFor({ courseId })).toBe("quantized");
    const small = createRetriever(db, embedder, { exactMaxChunks: 5 });
    expect(await small.pathFor({ courseId })).toBe("index");
    expect(await small.pathFor({ courseId, mode: "exact" })).toBe("exact");
    expect(await small.pathFor({ courseId, resourceIds: [crypto.randomUUID()] })).toBe("quantized");
  });

  it("plans the exact path without the HNSW index, the quantised one on the covering index, the index path with HNSW (EXPLAIN)", async () => {
    const big = await courseWithResource(db, "grand");
    await insertRandomChunks(db, big, 300, embedder.model);
    const small = await seededCourse("petit");
    await db.$executeRaw`VACUUM ANALYZE document_chunks`;
    const [vector] = await embedder.embed(["paludisme"]);
    const plan = async (sql: Prisma.Sql, settings: boolean) => {
      const rows = await db.$transaction(async (tx) => {
        if (settings) await tx.$queryRaw(hnswSettingsSql());
        return tx.$queryRaw<{ "QUERY PLAN": string }[]>(Prisma.sql`EXPLAIN ${sql}`);
      });
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    };
    for (const courseId of [big.courseId, small.courseId]) {
      const q = { courseId, model: embedder.model, vector: vectorLiteral(vector as number[]), limit: 8 };
      const exact = await plan(exactSearchSql(q), false);
      expect(exact).not.toMatch(/hnsw/);
      expect(exact).toMatch(/Sort/);
      expect(await plan(exactSearchSql(q), true)).not.toMatch(/hnsw/);
      const index = await plan(indexSearchSql(q), true);
      expect(index).toMatch(/Index Scan using document_chunks_embedding_hnsw_idx/);
      expect(index).toMatch(/Order By: \(embedding <=> /);
      // enable_sort's disable cost on the re-rank would otherwise cross jit_above_cost.
      expect(index).not.toMatch(/JIT/);
      const quantized = await plan(quantizedSearchSql(q, 200), false);
      expect(quantized).toMatch(/Index Only Scan using document_chunks_course_id_embedding_model_bits_idx/);
      expect(quantized).not.toMatch(/hnsw/);
    }
  });

  it("ranks on embedding_bits, generated from the embedding, and re-ranks the best candidates exactly", async () => {
    const course = await seededCourse();
    await insertRandomChunks(db, course, 300, embedder.model);
    const [bits] = await db.$queryRaw<{ same: number; all: number }[]>`
      SELECT count(*) FILTER (WHERE embedding_bits = binary_quantize(embedding)::bit(1536))::int AS same,
             count(*)::int AS "all"
        FROM document_chunks WHERE course_id = ${course.courseId}::uuid`;
    expect(bits).toEqual({ same: 310, all: 310 });
    const [vector] = await embedder.embed(["Comment le paludisme se transmet-il ?"]);
    const q = { courseId: course.courseId, model: embedder.model, vector: vectorLiteral(vector as number[]), limit: 3 };
    const exact = await exactSearch(db, q);
    expect(exact[0]?.id).toBe(course.ids[0]);
    // 20 candidates out of 310: the passage the question is about survives the Hamming ranking, with its exact score.
    const [best] = await quantizedSearch(db, q, 20);
    expect(best).toEqual(exact[0]);
    // As many candidates as chunks: the re-rank is the exact search.
    expect(await quantizedSearch(db, q, 310)).toEqual(exact);
  });

  it("does not starve a small course hidden in a large graph: the iterative scan fills topK", async () => {
    const big = await courseWithResource(db, "grand");
    await insertRandomChunks(db, big, 300, embedder.model);
    const small = await seededCourse("petit");
    const retriever = createRetriever(db, embedder);
    const results = await retriever.search("vaccin rougeole", { courseId: small.courseId, mode: "index" });
    expect(results).toHaveLength(8);
    expect(results.every((r) => small.ids.includes(r.id))).toBe(true);
    const exact = await retriever.search("vaccin rougeole", { courseId: small.courseId, mode: "exact" });
    expect(results.map((r) => r.id)).toEqual(exact.map((r) => r.id));
    // Fewer chunks than candidates: the quantised path re-ranks them all, so it is exact.
    const quantized = await retriever.search("vaccin rougeole", { courseId: small.courseId });
    expect(quantized.map((r) => r.id)).toEqual(exact.map((r) => r.id));
  });
});
