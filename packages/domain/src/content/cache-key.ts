/** The identity of one piece of generated content, and the Redis and queue names derived from it. */
import { createHash } from "node:crypto";
import type { ContentType, Language } from "@sira/contracts";
import { jobIdFor } from "@sira/infra";

/** The generated_content cache key (unique index generated_content_cache_key). */
export interface CacheKey {
  moduleId: string;
  /** Null for module-level content (the module's quiz and flashcards). */
  unitId: string | null;
  contentType: ContentType;
  language: Language;
  level: number;
  country: string;
}

/** A short stable digest of the key, used in Redis keys and job ids. */
export function cacheKeyHash(key: CacheKey): string {
  const raw = [key.moduleId, key.unitId ?? "-", key.contentType, key.language, key.level, key.country].join("|");
  return createHash("sha256").update(raw).digest("hex").slice(0, 32);
}

/** The hot copy in Redis; `v1` is the shape of the stored JSON, bumped when it changes. */
export const hotCacheKey = (key: CacheKey): string => `sira:gc:v1:${cacheKeyHash(key)}`;

/** The Redis stream a running generation publishes its text to. */
export const generationStreamKey = (key: CacheKey): string => `sira:gen:${cacheKeyHash(key)}`;

/** One job per missing piece of content, however many learners ask for it at once. */
export const generationJobId = (key: CacheKey): string => jobIdFor("gen", cacheKeyHash(key));

export function otherLanguage(language: Language): Language {
  return language === "fr" ? "en" : "fr";
}
