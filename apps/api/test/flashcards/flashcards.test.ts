/**
 * Flashcards over REST: the deck (409 while generated, page with memory, ?fields=, ?since= delta
 * with retired cards), reviews replayed offline in any order, duplicates and batches replayed
 * twice, quick review bounds and order, who may see what, and bounded SQL statements.
 */

import { type Rating, replayReviews, retrievability } from "@sira/algorithms";
import { getQueue } from "@sira/infra";
import { afterAll, describe, expect, it } from "vitest";
import { generationJobId } from "../../../../packages/domain/src/content/index.ts";
import { indexMarketText, makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { deckKey, makeCard } from "../../../../packages/domain/test/flashcards/fixtures.ts";
import { closeTestDeps, countQueries, enrolledLearnerWorld, type SignedIn, signIn, testApp } from "../helpers.ts";
import { regenerateDecks, storeBothDecks } from "./decks.ts";

const { app, deps } = testApp();
const { db } = deps;
const world = enrolledLearnerWorld(deps);
afterAll(closeTestDeps);

const deckPath = (moduleId = world.course.moduleId) => `/api/v1/modules/${moduleId}/flashcards`;
const get = (user: SignedIn | null, path: string, lang = "fr") =>
  app.request(path, { headers: { ...(user?.headers ?? {}), "accept-language": lang } });
const review = (user: SignedIn, cardId: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request(`/api/v1/flashcards/${cardId}/review`, {
    method: "POST",
    headers: { ...user.headers, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

interface Card {
  id: string;
  concept_key: string;
  term: string;
  definition: string;
  example: string | null;
  memory: { due: string; state: string; stability: number; difficulty: number; reps: number } | null;
}

const storeBoth = () => storeBothDecks(db, world.course.moduleId);

async function deck(user = world.learner, lang = "fr"): Promise<Card[]> {
  const res = await get(user, `${deckPath()}?limit=100`, lang);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: Card[] }).items;
}

describe("GET /api/v1/modules/{id}/flashcards", () => {
  it("answers 409 NOT_READY with retry_after and queues the deck's generation once", async () => {
    await indexMarketText(db, deps.ai.embedder, world.course.courseId);
    const [a, b] = await Promise.all([get(world.learner, deckPath()), get(world.learner, deckPath())]);
    for (const res of [a, b]) {
      expect(res.status).toBe(409);
      const body = (await res.json()) as { code: string; retry_after: number };
      expect(body.code).toBe("NOT_READY");
      expect(body.retry_after).toBeGreaterThan(0);
    }
    const queue = getQueue("content-generation", { prefix: deps.config.QUEUE_PREFIX });
    expect(await queue.getJob(generationJobId(deckKey(world.course.moduleId, "fr", 1)))).toBeTruthy();
    expect(await queue.count()).toBe(1);
  });

  it("materialises one card per concept merging FR and EN, in the request's language, idempotently", async () => {
    await storeBoth();
    const fr = await deck();
    expect(fr.map((c) => c.concept_key)).toEqual(["prix-d-equilibre", "offre", "demande", "elasticite-prix"]);
    expect(fr[0]?.definition).toBe("Définition de Prix d'équilibre v1");
    expect(fr[0]?.example).toBe("fr example 1 v1");
    expect(fr[0]?.memory).toBeNull();
    const en = await deck(world.learner, "en");
    expect(en.map((c) => c.id)).toEqual(fr.map((c) => c.id));
    expect(en[0]?.term).toBe("Prix d'équilibre (en)");
    expect(en[0]?.example).toBe("en example 1 v1");
    await deps.redis.flushdb();
    expect((await deck()).map((c) => c.id)).toEqual(fr.map((c) => c.id));
    expect(await db.flashcard.count()).toBe(4);
  });

  it("trims cards with ?fields= and refuses unknown fields", async () => {
    await storeBoth();
    const res = await get(world.learner, `${deckPath()}?fields=term,memory`);
    const body = (await res.json()) as { items: object[]; total: number; server_time: string };
    expect(body.total).toBe(4);
    expect(Object.keys(body.items[0] as object).sort()).toEqual(["id", "memory", "term"]);
    const bad = await get(world.learner, `${deckPath()}?fields=nope`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe("UNKNOWN_FIELDS");
  });

  it("syncs deltas: reviewed cards, and cards retired by a regeneration as tombstones", async () => {
    const decks = await storeBoth();
    const cards = await deck();
    const since = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    expect((await review(world.learner, cards[1]?.id as string, { rating: 3 })).status).toBe(200);
    const delta1 = (await (await get(world.learner, `${deckPath()}?since=${since}`)).json()) as {
      items: Card[];
      deleted: { id: string }[];
      server_time: string;
    };
    expect(delta1.items.map((c) => c.id)).toEqual([cards[1]?.id]);
    expect(delta1.items[0]?.memory?.reps).toBe(1);
    expect(delta1.deleted).toEqual([]);
    await regenerateDecks(db, decks, ["Offre", "Demande", "Prix d'équilibre"]);
    await deps.redis.flushdb();
    const delta2 = (await (await get(world.learner, `${deckPath()}?since=${delta1.server_time}`)).json()) as {
      items: Card[];
      deleted: { id: string; entity: string }[];
    };
    expect(delta2.deleted.map((d) => [d.id, d.entity])).toEqual([[cards[3]?.id, "flashcards"]]);
    expect(delta2.items.map((c) => c.concept_key).sort()).toEqual(["demande", "offre", "prix-d-equilibre"]);
    expect(delta2.items.find((c) => c.concept_key === "offre")?.definition).toBe("Définition de Offre v2");
    expect((await deck()).map((c) => c.concept_key)).toEqual(["offre", "demande", "prix-d-equilibre"]);
    expect((await get(world.learner, `${deckPath()}?since=nope`)).status).toBe(400);
  });

  it("pages a deck built in one statement without looping: a millisecond's cards come whole", async () => {
    const since = new Date(Date.now() - 1_000).toISOString();
    await storeBoth();
    const all = await deck();
    const stamps = await db.flashcard.findMany({
      where: { moduleId: world.course.moduleId },
      select: { updatedAt: true },
    });
    expect(new Set(stamps.map((c) => c.updatedAt.getTime())).size).toBe(1);
    const seen: string[] = [];
    let cursor = since;
    for (let i = 0; ; i++) {
      expect(i, "pages followed").toBeLessThan(4);
      const res = await get(world.learner, `${deckPath()}?since=${encodeURIComponent(cursor)}&limit=2`);
      const page = (await res.json()) as { items: Card[]; has_more: boolean; server_time: string };
      seen.push(...page.items.map((c) => c.id));
      if (!page.has_more) break;
      cursor = page.server_time;
    }
    expect(seen.sort()).toEqual(all.map((c) => c.id).sort());
  });

  it("refuses anonymous callers, learners not enrolled, hidden courses and locked modules", async () => {
    await storeBoth();
    expect((await get(null, deckPath())).status).toBe(401);
    const stranger = await signIn(deps, { role: "learner" });
    const refused = await get(stranger, deckPath());
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe("NOT_ENROLLED");
    const draft = await makeCourse(db, { status: "draft" });
    expect((await get(world.learner, deckPath(draft.moduleId))).status).toBe(404);
    expect((await get(world.learner, deckPath(crypto.randomUUID()))).status).toBe(404);
    const second = await db.module.create({
      data: {
        courseId: world.course.courseId,
        moduleNumber: 2,
        level: 2,
        titleFr: "Suite",
        titleEn: "Next",
        descriptionFr: "Suite",
        descriptionEn: "Next",
        estimatedHours: 1,
        bloomLevel: "apply",
      },
    });
    const locked = await get(world.learner, deckPath(second.id));
    expect(locked.status).toBe(423);
    expect(((await locked.json()) as { code: string }).code).toBe("MODULE_LOCKED");
  });

  it("reads a page in a bounded number of statements whatever the deck size", async () => {
    await storeBoth();
    await deck();
    const small = await countQueries(deps, async () => get(world.learner, deckPath()));
    for (let i = 0; i < 30; i++) await makeCard(db, world.course.moduleId, `extra-${i}`, 10 + i);
    await get(world.learner, deckPath());
    const large = await countQueries(deps, async () => get(world.learner, `${deckPath()}?limit=50`));
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(12);
  });
});

describe("POST /api/v1/flashcards/{card_id}/review", () => {
  const DAY = 86_400_000;
  const base = Date.now() - 20 * DAY;
  const batch: { rating: Rating; at: Date; key: string }[] = [
    { rating: 3, at: new Date(base), key: "offline-review-0001" },
    { rating: 1, at: new Date(base + 600_000), key: "offline-review-0002" },
    { rating: 3, at: new Date(base + 1.2 * DAY), key: "offline-review-0003" },
    { rating: 4, at: new Date(base + 4 * DAY), key: "offline-review-0004" },
    { rating: 2, at: new Date(base + 11 * DAY), key: "offline-review-0005" },
  ];
  const sendBatch = (cardId: string, order: number[]) =>
    Promise.all(
      order.map(async (i) => {
        const r = batch[i] as (typeof batch)[number];
        const res = await review(
          world.learner,
          cardId,
          { rating: r.rating, duration_ms: 8000 },
          { "idempotency-key": r.key, "x-offline-queued-at": r.at.toISOString() },
        );
        expect(res.status).toBe(200);
        return res;
      }),
    );

  it("returns the next due time, stability and difficulty as ts-fsrs computes them", async () => {
    const cardId = await makeCard(db, world.course.moduleId, "offre");
    const res = await review(world.learner, cardId, { rating: 3, duration_ms: 5000 });
    const body = (await res.json()) as {
      due: string;
      stability: number;
      difficulty: number;
      state: string;
      reps: number;
    };
    const at = (await db.flashcardReviewLog.findFirstOrThrow({ where: { cardId } })).reviewedAt;
    const expected = replayReviews(at, [{ rating: 3, at }]);
    expect(body).toMatchObject({
      due: expected.due.toISOString(),
      stability: expected.stability,
      difficulty: expected.difficulty,
      state: expected.state,
      reps: 1,
      duplicate: false,
    });
  });

  it("applies an offline batch delivered shuffled and concurrently in the order it happened", async () => {
    const cardId = await makeCard(db, world.course.moduleId, "offre");
    await sendBatch(cardId, [3, 0, 4, 2, 1]);
    const row = await db.flashcardReview.findFirstOrThrow({ where: { cardId } });
    const expected = replayReviews(batch[0]?.at as Date, batch);
    expect(row.due).toEqual(expected.due);
    expect(row.stability).toBe(expected.stability);
    expect(row.difficulty).toBe(expected.difficulty);
    expect(row.reps).toBe(5);
    expect(row.lastReview).toEqual(batch[4]?.at);
  });

  it("recognises a duplicate key (one log row, the same answer) and a batch replayed twice changes nothing", async () => {
    const cardId = await makeCard(db, world.course.moduleId, "offre");
    const [first] = await sendBatch(cardId, [0]);
    const firstBody = await first?.json();
    const [again] = await sendBatch(cardId, [0]);
    expect(again?.headers.get("idempotent-replayed")).toBe("true");
    expect(await again?.json()).toEqual(firstBody);
    await sendBatch(cardId, [1, 2, 3, 4]);
    const before = await db.flashcardReview.findFirstOrThrow({ where: { cardId } });
    await deps.db.idempotencyKey.deleteMany();
    await sendBatch(cardId, [4, 3, 2, 1, 0]);
    const after = await db.flashcardReview.findFirstOrThrow({ where: { cardId } });
    expect(after).toEqual(before);
    expect(await db.flashcardReviewLog.count({ where: { cardId } })).toBe(5);
  });

  it("validates the rating and refuses unknown cards, other courses' cards and anonymous callers", async () => {
    const cardId = await makeCard(db, world.course.moduleId, "offre");
    const bad = await review(world.learner, cardId, { rating: 5 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe("VALIDATION_FAILED");
    expect((await review(world.learner, crypto.randomUUID(), { rating: 3 })).status).toBe(404);
    const other = await makeCourse(db, { status: "draft" });
    expect((await review(world.learner, await makeCard(db, other.moduleId, "x"), { rating: 3 })).status).toBe(404);
    const stranger = await signIn(deps, { role: "learner" });
    expect((await review(stranger, cardId, { rating: 3 })).status).toBe(403);
    const anonymous = await app.request(`/api/v1/flashcards/${cardId}/review`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ rating: 3 }),
    });
    expect(anonymous.status).toBe(401);
  });
});

describe("GET /api/v1/flashcards/due", () => {
  const now = Date.now();
  async function dueCards(count: number) {
    for (let i = 0; i < count; i++) {
      const cardId = await makeCard(db, world.course.moduleId, `due-${i}`, i);
      await db.flashcardReview.create({
        data: {
          userId: world.learner.userId,
          cardId,
          due: new Date(now - (i + 1) * 3_600_000),
          stability: 1 + ((i * 7) % 13),
          difficulty: 5,
          reps: 2,
          state: "review",
          scheduledDays: 1,
          lastReview: new Date(now - (i + 3) * 86_400_000),
        },
      });
    }
  }
  async function spendToday(seconds: number[]) {
    const cardId = await makeCard(db, world.course.moduleId, `spent-${crypto.randomUUID()}`);
    for (const [i, s] of seconds.entries()) {
      await db.flashcardReviewLog.create({
        data: {
          userId: world.learner.userId,
          cardId,
          rating: 3,
          reviewedAt: new Date(now - i * 1000),
          durationMs: s * 1000,
          stateBefore: "review",
          dueAfter: new Date(now + 86_400_000),
          stabilityAfter: 3,
          difficultyAfter: 5,
          scheduledDays: 1,
        },
      });
    }
  }
  const session = async () => {
    const res = await get(world.learner, "/api/v1/flashcards/due");
    expect(res.status).toBe(200);
    return (await res.json()) as {
      items: Card[];
      due_total: number;
      remaining_budget_seconds: number;
      seconds_per_card: number;
    };
  };

  it("gives at most 20 cards, least retrievable first, and counts every due card", async () => {
    await dueCards(30);
    const s = await session();
    expect(s.due_total).toBe(30);
    expect(s.items).toHaveLength(20);
    expect(s.remaining_budget_seconds).toBe(900);
    const rows = await db.flashcardReview.findMany({ where: { userId: world.learner.userId } });
    const ranked = rows
      .map((row) => ({
        id: row.cardId,
        r: retrievability({ ...row, state: "review", lastReview: row.lastReview }, new Date()),
      }))
      .sort((a, b) => a.r - b.r);
    expect(new Set(s.items.map((c) => c.id))).toEqual(new Set(ranked.slice(0, 20).map((x) => x.id)));
    // Served least retrievable first.
    const rOf = new Map(ranked.map((x) => [x.id, x.r]));
    const served = s.items.map((c) => rOf.get(c.id) as number);
    expect(served).toEqual([...served].sort((a, b) => a - b));
  });

  it("shortens the session to the budget left today, and gives none once 15 minutes were spent", async () => {
    await dueCards(30);
    await spendToday(Array.from({ length: 14 }, () => 60));
    const short = await session();
    expect(short.seconds_per_card).toBe(60);
    expect(short.remaining_budget_seconds).toBe(60);
    expect(short.items).toHaveLength(1);
    await db.flashcardReviewLog.deleteMany({ where: { durationMs: 60_000 } });
    await spendToday(Array.from({ length: 12 }, () => 20));
    const left = await session();
    expect(left.seconds_per_card).toBe(20);
    expect(left.remaining_budget_seconds).toBe(660);
    expect(left.items).toHaveLength(20);
    await spendToday(Array.from({ length: 33 }, () => 20));
    const spent = await session();
    expect(spent.remaining_budget_seconds).toBe(0);
    expect(spent.items).toHaveLength(0);
  });

  it("introduces new cards only from started modules, at most 10 a day", async () => {
    for (let i = 0; i < 15; i++) await makeCard(db, world.course.moduleId, `new-${i}`, i);
    expect((await session()).items).toHaveLength(0);
    await db.userModuleProgress.create({
      data: {
        userId: world.learner.userId,
        moduleId: world.course.moduleId,
        status: "in_progress",
        startedAt: new Date(),
      },
    });
    const s = await session();
    expect(s.items).toHaveLength(10);
    expect(s.items.every((c) => c.memory === null)).toBe(true);
    expect(s.items.map((c) => c.concept_key)).toEqual(Array.from({ length: 10 }, (_, i) => `new-${i}`));
  });

  it("uses a bounded number of statements and refuses anonymous callers", async () => {
    await dueCards(30);
    expect(await countQueries(deps, async () => get(world.learner, "/api/v1/flashcards/due"))).toBeLessThanOrEqual(8);
    expect((await get(null, "/api/v1/flashcards/due")).status).toBe(401);
  });
});
