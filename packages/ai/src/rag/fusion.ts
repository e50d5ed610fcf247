/** Reciprocal rank fusion (Cormack et al., 2009): score = Σ weight / (k + rank) over the lists. */
import type { RetrievedChunk } from "../types.ts";

export const RRF_K = 60;

export function reciprocalRankFusion(
  lists: { results: RetrievedChunk[]; weight?: number }[],
  k = RRF_K,
): RetrievedChunk[] {
  const fused = new Map<string, RetrievedChunk>();
  for (const { results, weight = 1 } of lists) {
    results.forEach((chunk, rank) => {
      const seen = fused.get(chunk.id);
      const add = weight / (k + rank + 1);
      fused.set(chunk.id, seen ? { ...seen, score: seen.score + add } : { ...chunk, score: add });
    });
  }
  return [...fused.values()].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}
