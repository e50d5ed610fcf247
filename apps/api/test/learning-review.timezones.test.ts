/**
 * Time zones the profile accepts (any zone this runtime's ICU knows, aliases kept as given) but
 * PostgreSQL does not, or reads otherwise: ICU's three-letter ids such as CAT (Central Africa,
 * Maputo) or IST (India). Quick review and the dashboard count the learner's day in the zone ICU
 * means, and never answer 500.
 */
import { afterAll, describe, expect, it } from "vitest";
import { makeCard } from "../../../packages/domain/test/flashcards/fixtures.ts";
import { closeTestDeps, enrolledLearnerWorld, jsonSender, testApp } from "./helpers.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "learning-review-zones");
const world = enrolledLearnerWorld(deps);
afterAll(closeTestDeps);

const setZone = async (timezone: string) => {
  const res = await send(world.learner, "PATCH", "/api/v1/users/me", { timezone });
  expect(res.status).toBe(200);
};

describe("a learner's three-letter time zone", () => {
  it("CAT, unknown to PostgreSQL: stored as the zone ICU means, and every day-counting read answers 200", async () => {
    await setZone("CAT");
    const me = await send(world.learner, "GET", "/api/v1/users/me");
    expect(((await me.json()) as { timezone: string }).timezone).toBe("Africa/Maputo");
    expect((await send(world.learner, "GET", "/api/v1/flashcards/due")).status).toBe(200);
    expect((await send(world.learner, "GET", "/api/v1/dashboard")).status).toBe(200);
    expect((await send(world.learner, "GET", "/api/v1/tutor/remaining")).status).toBe(200);
  });

  it("IST, India's for ICU but Israel's for PostgreSQL: a review just after India's midnight is today's", async () => {
    await setZone("IST");
    const cardId = await makeCard(deps.db, world.course.moduleId, "offre");
    // Shortly after midnight in India (18:30 UTC) is still yesterday for Israel (midnight at
    // 22:00 UTC in winter, PostgreSQL's IST a fixed +02): the review is today's for the learner.
    const now = Date.now();
    const utcDay = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate());
    const midnights = [utcDay - 5.5 * 3_600_000, utcDay + 18.5 * 3_600_000];
    const indiaMidnight = Math.max(...midnights.filter((m) => m <= now));
    const reviewedAt = new Date(indiaMidnight + Math.min(30 * 60_000, (now - indiaMidnight) / 2));
    const res = await app.request(`/api/v1/flashcards/${cardId}/review`, {
      method: "POST",
      headers: {
        ...world.learner.headers,
        "content-type": "application/json",
        "x-offline-queued-at": reviewedAt.toISOString(),
      },
      body: JSON.stringify({ rating: 3, duration_ms: 60_000 }),
    });
    expect(res.status).toBe(200);
    const due = await send(world.learner, "GET", "/api/v1/flashcards/due");
    expect(due.status).toBe(200);
    expect(((await due.json()) as { remaining_budget_seconds: number }).remaining_budget_seconds).toBe(15 * 60 - 60);
  });
});
