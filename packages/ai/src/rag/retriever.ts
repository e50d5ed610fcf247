import type { Db } from "@sira/infra/db";
import type { Embedder, Retriever } from "../types.ts";

export function createRetriever(_db: Db, _embedder: Embedder): Retriever {
  return { search: () => Promise.reject(new Error("createRetriever: not implemented yet")) };
}
