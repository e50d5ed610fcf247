/**
 * generated_content is the persistent cache; Redis holds a hot copy for a day. A row is written
 * once per cache key (INSERT … ON CONFLICT DO NOTHING on generated_content_cache_key), replaced
 * only by an admin's regeneration (same row, version + 1, its audio retired), and every change drops
 * the hot copy.
 */
import type { ContentType, Language, SourceRef } from "@sira/contracts";
import type { Logger, Redis } from "@sira/infra";
import type { Db, Prisma } from "@sira/infra/db";
import { retireLessonAudio } from "./audio/retire.ts";
import { type CacheKey, hotCacheKey } from "./cache-key.ts";

export const HOT_CACHE_TTL_SECONDS = 24 * 3600;

/** A stored piece of generated content, as the lesson and review services read it. */
export interface CachedContent extends CacheKey {
  id: string;
  version: number;
  validated: boolean;
  model: string | null;
  offline: boolean;
  generatedAt: string;
  content: unknown;
  sourcesCited: SourceRef[];
}

type Row = Prisma.GeneratedContentGetPayload<object>;

export function toCached(row: Row): CachedContent {
  const metadata = (row.metadata ?? {}) as Record<string, unknown>;
  return {
    id: row.id,
    ...keyOfRow(row),
    version: row.version,
    validated: row.validated,
    model: row.model,
    offline: metadata.offline === true,
    generatedAt: row.generatedAt.toISOString(),
    content: row.content,
    sourcesCited: (row.sourcesCited ?? []) as SourceRef[],
  };
}

export function cacheKeyWhere(key: CacheKey): Prisma.GeneratedContentWhereInput {
  return {
    moduleId: key.moduleId,
    unitId: key.unitId,
    contentType: key.contentType,
    language: key.language,
    level: key.level,
    countryContext: key.country,
  };
}

const usable = (redis: Redis) => redis.status === "ready";

/** The content for `key`: Redis first, then PostgreSQL (refilling Redis); null when never generated. */
export async function findCachedContent(
  deps: { db: Db; redis: Redis; logger?: Logger },
  key: CacheKey,
): Promise<CachedContent | null> {
  const hotKey = hotCacheKey(key);
  if (usable(deps.redis)) {
    const hit = await deps.redis.get(hotKey).catch(() => null);
    if (hit) return JSON.parse(hit) as CachedContent;
  }
  const row = await deps.db.generatedContent.findFirst({ where: cacheKeyWhere(key) });
  if (!row) return null;
  const cached = toCached(row);
  await writeHotCopy(deps.redis, key, cached);
  return cached;
}

export async function writeHotCopy(redis: Redis, key: CacheKey, cached: CachedContent): Promise<void> {
  if (!usable(redis)) return;
  await redis.set(hotCacheKey(key), JSON.stringify(cached), "EX", HOT_CACHE_TTL_SECONDS).catch(() => null);
}

/** Drops the hot copy so the next read sees PostgreSQL's row. */
export async function invalidateHotCopy(redis: Redis, key: CacheKey): Promise<void> {
  if (!usable(redis)) return;
  await redis.del(hotCacheKey(key)).catch(() => null);
}

export interface GeneratedPayload {
  content: unknown;
  sourcesCited: SourceRef[];
  model: string;
  metadata: Record<string, unknown>;
}

/**
 * Stores the content under its key unless a row already holds the key (then that row wins and
 * is returned): the cache is never written twice, even by two workers racing.
 */
export async function storeGeneratedContent(db: Db, key: CacheKey, payload: GeneratedPayload): Promise<CachedContent> {
  await db.$executeRaw`
    INSERT INTO generated_content
      (module_id, unit_id, content_type, language, level, country_context, content, sources_cited, model, metadata)
    VALUES (${key.moduleId}::uuid, ${key.unitId}::uuid, ${key.contentType}, ${key.language}, ${key.level},
      ${key.country}, ${JSON.stringify(payload.content)}::jsonb, ${JSON.stringify(payload.sourcesCited)}::jsonb,
      ${payload.model}, ${JSON.stringify(payload.metadata)}::jsonb)
    ON CONFLICT (module_id, unit_id, content_type, language, level, country_context) DO NOTHING`;
  const row = await db.generatedContent.findFirstOrThrow({ where: cacheKeyWhere(key) });
  return toCached(row);
}

/**
 * Replaces a row's content with a regenerated one, in place (readers keep their links to it):
 * version + 1 and back to unvalidated. Applies only if the row is still at `expectedVersion`, so
 * a regeneration job that runs twice bumps the version once. Null when it did not apply.
 */
export async function replaceGeneratedContent(
  db: Db,
  id: string,
  expectedVersion: number,
  payload: GeneratedPayload,
): Promise<CachedContent | null> {
  const updated = await db.generatedContent.updateMany({
    where: { id, version: expectedVersion },
    data: {
      content: payload.content as Prisma.InputJsonValue,
      sourcesCited: payload.sourcesCited as unknown as Prisma.InputJsonValue,
      model: payload.model,
      metadata: payload.metadata as Prisma.InputJsonValue,
      version: { increment: 1 },
      generatedAt: new Date(),
      validated: false,
      validatedById: null,
      validatedAt: null,
    },
  });
  if (updated.count === 0) return null;
  const replaced = toCached(await db.generatedContent.findUniqueOrThrow({ where: { id } }));
  // The lesson read aloud is now out of date: the next request makes it again.
  await retireLessonAudio(db, id, replaced.version);
  return replaced;
}

export function keyOfRow(row: {
  moduleId: string;
  unitId: string | null;
  contentType: string;
  language: string;
  level: number;
  countryContext: string;
}): CacheKey {
  return {
    moduleId: row.moduleId,
    unitId: row.unitId,
    contentType: row.contentType as ContentType,
    language: row.language as Language,
    level: row.level,
    country: row.countryContext,
  };
}
