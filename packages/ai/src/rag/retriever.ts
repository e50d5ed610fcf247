/**
 * `search(query, {courseId, topK})`: always inside one course and one embedding model, always
 * `min(topK, chunks)` results, best first. Small courses are ranked on their binary quantisation and
 * the best candidates re-ranked exactly, large ones go through the HNSW index (falling back to exact
 * if the filtered graph walk ever comes back short). Decisions 0017, 0055.
 */
import type { Db } from "@sira/infra/db";
import type { Embedder, RetrievedChunk, Retriever, SearchOptions } from "../types.ts";
import { fullTextSearch } from "./full-text.ts";
import { reciprocalRankFusion } from "./fusion.ts";
import { vectorLiteral } from "./vector-literal.ts";
import {
  countChunks,
  EXACT_SEARCH_MAX_CHUNKS,
  exactSearch,
  indexSearch,
  quantizedCandidates,
  quantizedSearch,
  type VectorQuery,
} from "./vector-search.ts";

export const DEFAULT_TOP_K = 8;
export const MAX_TOP_K = 100;
/** How deep each list goes before hybrid fusion. */
export const FUSION_DEPTH = 50;

export interface RetrieverOptions {
  /** Fuse vector and full-text results by reciprocal rank (off by default: decision 0017). */
  hybrid?: boolean;
  /** Courses of up to this many chunks take the quantised path, larger ones the index. */
  exactMaxChunks?: number;
  /** How long a course's chunk count is trusted (it only picks the search path). */
  countTtlMs?: number;
}

export type SearchPath = "exact" | "quantized" | "index";

/** A short-lived count per course/model/resources, so each search does not count again. */
function countCache(db: Db, ttlMs: number) {
  const entries = new Map<string, { n: number; at: number }>();
  return async (q: VectorQuery): Promise<number> => {
    const key = `${q.courseId}|${q.model}|${[...(q.resourceIds ?? [])].sort().join(",")}`;
    const hit = entries.get(key);
    if (hit && Date.now() - hit.at < ttlMs) return hit.n;
    const n = await countChunks(db, q);
    entries.delete(key);
    entries.set(key, { n, at: Date.now() });
    if (entries.size > 1_000) entries.delete(entries.keys().next().value as string);
    return n;
  };
}

export interface CourseRetriever extends Retriever {
  /** The path `search` would take for these options. */
  pathFor(options: SearchOptions): Promise<SearchPath>;
  vectorSearch(query: string, options: SearchOptions): Promise<RetrievedChunk[]>;
  fullTextSearch(query: string, options: SearchOptions): Promise<RetrievedChunk[]>;
  hybridSearch(query: string, options: SearchOptions): Promise<RetrievedChunk[]>;
}

export function createRetriever(db: Db, embedder: Embedder, options: RetrieverOptions = {}): CourseRetriever {
  const exactMax = options.exactMaxChunks ?? EXACT_SEARCH_MAX_CHUNKS;
  const count = countCache(db, options.countTtlMs ?? 30_000);

  const topKOf = (o: SearchOptions): number => {
    const topK = o.topK ?? DEFAULT_TOP_K;
    if (!Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) throw new RangeError(`topK must be 1..${MAX_TOP_K}`);
    return topK;
  };

  const vectorQuery = async (query: string, o: SearchOptions, limit: number): Promise<VectorQuery> => {
    const [vector] = await embedder.embed([query], "query");
    if (!vector) throw new Error("the embedder returned no vector");
    return {
      courseId: o.courseId,
      resourceIds: o.resourceIds,
      model: embedder.model,
      vector: vectorLiteral(vector),
      language: o.language,
      limit,
    };
  };

  const pathOf = async (q: VectorQuery, mode: SearchOptions["mode"]): Promise<SearchPath> => {
    if (mode === "exact" || mode === "quantized" || mode === "index") return mode;
    return (await count(q)) > exactMax ? "index" : "quantized";
  };

  const vectorSearch = async (query: string, o: SearchOptions, limit = topKOf(o)): Promise<RetrievedChunk[]> => {
    const q = await vectorQuery(query, o, limit);
    const path = await pathOf(q, o.mode);
    if (path === "exact") return exactSearch(db, q);
    if (path === "quantized") return quantizedSearch(db, q, quantizedCandidates(limit, await count(q)));
    const found = await indexSearch(db, q);
    if (found.length >= limit) return found;
    // The graph walk stopped early (hnsw.max_scan_tuples): the exact path never does.
    return exactSearch(db, q);
  };

  const textSearch = (query: string, o: SearchOptions, limit = topKOf(o)) =>
    fullTextSearch(db, query, { courseId: o.courseId, resourceIds: o.resourceIds, model: embedder.model, limit });

  const hybridSearch = async (query: string, o: SearchOptions): Promise<RetrievedChunk[]> => {
    const topK = topKOf(o);
    const depth = Math.max(topK, FUSION_DEPTH);
    const [vector, text] = await Promise.all([vectorSearch(query, o, depth), textSearch(query, o, depth)]);
    return reciprocalRankFusion([{ results: vector }, { results: text }]).slice(0, topK);
  };

  return {
    search: (query, o) => (options.hybrid ? hybridSearch(query, o) : vectorSearch(query, o)),
    pathFor: async (o) =>
      pathOf({ courseId: o.courseId, resourceIds: o.resourceIds, model: embedder.model, vector: "", limit: 0 }, o.mode),
    vectorSearch: (query, o) => vectorSearch(query, o),
    fullTextSearch: (query, o) => textSearch(query, o),
    hybridSearch,
  };
}
