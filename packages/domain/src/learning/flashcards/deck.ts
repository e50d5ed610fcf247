/**
 * A module's deck for a learner: a page of its active cards with the learner's memory of each, or,
 * with `since`, the cards and memories changed since then and the cards retired since (as
 * tombstones read from the retired rows themselves, which are kept, so a delta never needs a reset).
 */
import type { FlashcardView, Tombstone } from "@sira/contracts";
import { type LearnerContext, learnerLevel, openLearnerModule } from "../../access/learner.ts";
import type { ContentDeps } from "../../content/deps.ts";
import { deltaPage, pageArgs, syncHorizon } from "../../sync.ts";
import { materialiseDeck } from "./materialise.ts";
import { type CardWithMemoryRow, cardWithMemorySelect, toCardWithMemoryView } from "./views.ts";

export type DeckAnswer =
  | { kind: "page"; items: FlashcardView[]; total: number }
  | { kind: "delta"; items: FlashcardView[]; deleted: Tombstone[]; hasMore: boolean; cursor: Date };

export interface DeckQuery {
  page: number;
  limit: number;
  since: Date | null;
}

/** The module's deck for the learner (see the module comment); 409 NOT_READY while it is generated. */
export async function getModuleDeck(
  deps: Pick<ContentDeps, "db" | "redis" | "config">,
  learner: LearnerContext,
  moduleId: string,
  query: DeckQuery,
): Promise<DeckAnswer> {
  const { db } = deps;
  const { viewer } = learner;
  const module = await openLearnerModule(db, viewer, moduleId);
  const level = await learnerLevel(db, viewer, module.level);
  await materialiseDeck(deps, module, {
    moduleId,
    unitId: null,
    contentType: "flashcard",
    language: learner.language,
    level,
    country: learner.country.toUpperCase(),
  });
  const select = cardWithMemorySelect(viewer.userId);
  const view = (row: CardWithMemoryRow) => toCardWithMemoryView(row, learner.language);

  if (!query.since) {
    const where = { moduleId, isActive: true };
    const [rows, total] = await Promise.all([
      db.flashcard.findMany({ where, select, orderBy: [{ position: "asc" }, { id: "asc" }], ...pageArgs(query) }),
      db.flashcard.count({ where }),
    ]);
    return { kind: "page", items: rows.map(view), total };
  }

  const since = query.since;
  const horizon = await syncHorizon(db);
  const [changed, retired] = await Promise.all([
    db.flashcard.findMany({
      where: {
        moduleId,
        isActive: true,
        OR: [
          { updatedAt: { gte: since } },
          { reviews: { some: { userId: viewer.userId, updatedAt: { gte: since } } } },
        ],
      },
      select,
    }),
    db.flashcard.findMany({
      where: { moduleId, isActive: false, updatedAt: { gte: since } },
      select: { id: true, updatedAt: true },
      orderBy: { updatedAt: "asc" },
    }),
  ]);
  const changedAt = (c: (typeof changed)[number]) =>
    new Date(Math.max(c.updatedAt.getTime(), c.reviews[0]?.updatedAt.getTime() ?? 0));
  const ordered = changed.sort((a, b) => changedAt(a).getTime() - changedAt(b).getTime() || a.id.localeCompare(b.id));
  // The deck is small and already read whole: the pages are cut from it in memory.
  const page = await deltaPage(
    { since, limit: query.limit, horizon },
    async (window, take) =>
      ordered
        .filter((c) => changedAt(c) >= window.since && (!window.before || changedAt(c) < window.before))
        .slice(0, take),
    changedAt,
  );
  return {
    kind: "delta",
    items: page.rows.map(view),
    deleted: retired.map((r) => ({ id: r.id, entity: "flashcards", deleted_at: r.updatedAt.toISOString() })),
    hasMore: page.hasMore,
    cursor: page.cursor,
  };
}
