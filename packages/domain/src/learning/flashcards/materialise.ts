/**
 * Module decks are materialised from generated flashcard content: one card per concept per module
 * (unique module_id + concept_key), merging the FR and EN contents of one cache key. The first
 * content to bring a concept owns its card (content_id); another level's or country's content only
 * adds the concepts the deck lacks, so card texts never flip between learners. Re-materialising
 * after a regeneration updates the owned cards, retires those whose concept vanished (is_active
 * false) and brings back a retired concept that returns. A Redis marker per content version skips
 * the work when nothing changed; without Redis it simply runs again (it is idempotent).
 */
import { AppError, type Flashcard, FlashcardContentSchema, type SourceRef } from "@sira/contracts";
import type { Redis } from "@sira/infra";
import type { LearnerModule } from "../../access/learner.ts";
import { type CachedContent, findCachedContent } from "../../content/cache.ts";
import { type CacheKey, otherLanguage } from "../../content/cache-key.ts";
import type { ContentDeps } from "../../content/deps.ts";
import { enqueueGenerationAfterCoolDown } from "../../content/generation.ts";
import { courseHasIndexedContent } from "../../content/indexed.ts";
import { conceptKeyOf } from "./concept-key.ts";

/** Seconds a client should wait before asking again for a deck being generated. */
export const DECK_RETRY_AFTER_SECONDS = 15;
const MARKER_TTL_SECONDS = 24 * 3600;

interface MaterialisedCard {
  conceptKey: string;
  termFr: string;
  termEn: string;
  definitionFr: string;
  definitionEn: string;
  exampleFr: string | null;
  exampleEn: string | null;
  formula: string | null;
  sources: SourceRef[];
  position: number;
}

function cardsOf(content: CachedContent | null): Map<string, { card: Flashcard; sources: SourceRef[] }> {
  const out = new Map<string, { card: Flashcard; sources: SourceRef[] }>();
  if (!content) return out;
  const parsed = FlashcardContentSchema.safeParse(content.content);
  if (!parsed.success) return out;
  for (const card of parsed.data.cards) {
    const key = conceptKeyOf(card.concept || card.term_fr);
    if (out.has(key)) continue;
    const source = content.sourcesCited[card.source - 1];
    out.set(key, { card, sources: source ? [source] : [] });
  }
  return out;
}

/** The merged cards of a FR and an EN content (FR order first, then concepts only EN has). */
export function mergeDeckContents(fr: CachedContent | null, en: CachedContent | null): MaterialisedCard[] {
  const frCards = cardsOf(fr);
  const enCards = cardsOf(en);
  const keys = [...frCards.keys(), ...[...enCards.keys()].filter((k) => !frCards.has(k))];
  return keys.map((conceptKey, position) => {
    const f = frCards.get(conceptKey);
    const e = enCards.get(conceptKey);
    const base = (f ?? e) as { card: Flashcard; sources: SourceRef[] };
    return {
      conceptKey,
      termFr: base.card.term_fr,
      termEn: base.card.term_en,
      definitionFr: base.card.definition_fr,
      definitionEn: base.card.definition_en,
      exampleFr: f?.card.example ?? null,
      exampleEn: e?.card.example ?? null,
      formula: base.card.formula,
      sources: base.sources,
      position,
    };
  });
}

const markerKey = (moduleId: string, fr: CachedContent | null, en: CachedContent | null) =>
  `sira:fc:deck:v1:${moduleId}:${fr ? `${fr.id}.${fr.version}` : "-"}:${en ? `${en.id}.${en.version}` : "-"}`;

async function alreadyMaterialised(redis: Redis, key: string): Promise<boolean> {
  if (redis.status !== "ready") return false;
  return (await redis.exists(key).catch(() => 0)) === 1;
}

async function writeCards(
  deps: Pick<ContentDeps, "db">,
  moduleId: string,
  owner: string,
  owners: string[],
  cards: MaterialisedCard[],
): Promise<void> {
  const col = <T>(f: (c: MaterialisedCard) => T) => cards.map(f);
  await deps.db.$transaction([
    deps.db.$executeRaw`
      INSERT INTO flashcards AS f (module_id, content_id, concept_key, term_fr, term_en, definition_fr, definition_en,
        example_fr, example_en, formula, sources_cited, position)
      SELECT ${moduleId}::uuid, ${owner}::uuid, v.* FROM unnest(
        ${col((c) => c.conceptKey)}::text[], ${col((c) => c.termFr)}::text[], ${col((c) => c.termEn)}::text[],
        ${col((c) => c.definitionFr)}::text[], ${col((c) => c.definitionEn)}::text[],
        ${col((c) => c.exampleFr)}::text[], ${col((c) => c.exampleEn)}::text[], ${col((c) => c.formula)}::text[],
        ${col((c) => JSON.stringify(c.sources))}::jsonb[], ${col((c) => c.position)}::int[])
        AS v(concept_key, term_fr, term_en, definition_fr, definition_en, example_fr, example_en, formula,
          sources_cited, position)
      ON CONFLICT (module_id, concept_key) DO UPDATE SET
        content_id = EXCLUDED.content_id, term_fr = EXCLUDED.term_fr, term_en = EXCLUDED.term_en,
        definition_fr = EXCLUDED.definition_fr, definition_en = EXCLUDED.definition_en,
        example_fr = COALESCE(EXCLUDED.example_fr, f.example_fr), example_en = COALESCE(EXCLUDED.example_en, f.example_en),
        formula = EXCLUDED.formula, sources_cited = EXCLUDED.sources_cited, position = EXCLUDED.position,
        is_active = true, updated_at = now()
      WHERE (f.content_id IS NULL OR f.content_id = ANY(${owners}::uuid[]) OR NOT f.is_active)
        AND (f.content_id, f.term_fr, f.term_en, f.definition_fr, f.definition_en, f.example_fr, f.example_en,
          f.formula, f.sources_cited, f.position, f.is_active)
        IS DISTINCT FROM (EXCLUDED.content_id, EXCLUDED.term_fr, EXCLUDED.term_en, EXCLUDED.definition_fr,
          EXCLUDED.definition_en, COALESCE(EXCLUDED.example_fr, f.example_fr),
          COALESCE(EXCLUDED.example_en, f.example_en), EXCLUDED.formula, EXCLUDED.sources_cited, EXCLUDED.position,
          true)`,
    deps.db.$executeRaw`
      UPDATE flashcards SET is_active = false, updated_at = now()
      WHERE module_id = ${moduleId}::uuid AND is_active AND content_id = ANY(${owners}::uuid[])
        AND NOT (concept_key = ANY(${col((c) => c.conceptKey)}::text[]))`,
  ]);
}

/**
 * Makes sure the module's deck reflects its flashcard content for this learner's key. When neither
 * language is generated yet, queues the generation and throws 409 NOT_READY (retry_after). A
 * generation that failed for good is not run again during its cool-down (retry_after until it ends).
 */
export async function materialiseDeck(
  deps: Pick<ContentDeps, "db" | "redis" | "config">,
  module: LearnerModule,
  key: CacheKey,
): Promise<void> {
  const other = { ...key, language: otherLanguage(key.language) };
  const [mine, theirs] = await Promise.all([findCachedContent(deps, key), findCachedContent(deps, other)]);
  if (!mine) {
    if (!theirs && !(await courseHasIndexedContent(deps.db, module.courseId))) throw new AppError("NO_INDEXED_CONTENT");
    const coolDown = await enqueueGenerationAfterCoolDown(deps, { key, alsoOtherLanguage: !theirs });
    if (!theirs) throw new AppError("NOT_READY", { retryAfterSeconds: coolDown || DECK_RETRY_AFTER_SECONDS });
  }
  const fr = key.language === "fr" ? mine : theirs;
  const en = key.language === "en" ? mine : theirs;
  const marker = markerKey(module.id, fr, en);
  if (await alreadyMaterialised(deps.redis, marker)) return;
  const cards = mergeDeckContents(fr, en);
  const owners = [fr?.id, en?.id].filter((id): id is string => typeof id === "string");
  if (cards.length > 0) await writeCards(deps, module.id, owners[0] as string, owners, cards);
  if (deps.redis.status === "ready") await deps.redis.set(marker, "1", "EX", MARKER_TTL_SECONDS).catch(() => null);
}
