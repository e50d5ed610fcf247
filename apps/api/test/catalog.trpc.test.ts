/**
 * tRPC `courses` and `curricula`: the same rules as REST through the typed procedures — outputs
 * validated by the contracts, errors with the stable codes, and the HTTP mount at /trpc.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { grantUser, makeCourse, makeCurriculum, makeTaxonomy } from "./catalog.fixtures.ts";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";
import { siraCodeOf } from "./learner-problems.ts";
import { callerAs } from "./trpc-caller.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

function callerFor(user: SignedIn | null, lang: "fr" | "en" = "fr") {
  return callerAs(deps, user, { lang });
}

describe("tRPC courses", () => {
  it("taxonomy, list and get answer what REST answers", async () => {
    await makeTaxonomy(deps);
    const c = await makeCourse(deps, { titleFr: "Santé", titleEn: "Health", modules: 1, taxonomy: ["debutant"] });
    const anon = await callerFor(null, "en");
    expect((await anon.courses.taxonomy()).level.map((l) => l.label)).toEqual(["Beginner", "Advanced"]);
    const page = await anon.courses.list({ page: 1, limit: 20, search: "sante" });
    expect(page).toMatchObject({ total: 1, has_more: false });
    expect(page.items[0]).toMatchObject({ id: c.id, title: "Health", taxonomy: { level: ["debutant"] } });
    const rest = (await (await app.request(`/api/v1/courses/${c.id}?lang=en`)).json()) as unknown;
    expect(await anon.courses.get({ id_or_slug: c.slug })).toEqual(rest);
  });

  it("enroll, unenroll and myEnrollments (page and delta)", async () => {
    const learner = await signIn(deps);
    const caller = await callerFor(learner);
    const c = await makeCourse(deps);
    expect(await caller.courses.enroll({ id_or_slug: c.id })).toMatchObject({ course_id: c.id, status: "active" });
    expect(await caller.courses.unenroll({ id_or_slug: c.slug })).toMatchObject({ status: "dropped" });
    const page = await caller.courses.myEnrollments({ page: 1, limit: 20 });
    expect(page).toMatchObject({ total: 1, items: [{ course_id: c.id, status: "dropped" }] });
    const delta = await caller.courses.myEnrollments({
      page: 1,
      limit: 20,
      since: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(delta).toMatchObject({ deleted: [], has_more: false, reset: false, items: [{ course_id: c.id }] });
  });

  it("errors carry the stable codes: UNAUTHENTICATED, PAYMENT_REQUIRED, NOT_FOUND, INVALID_SINCE", async () => {
    const paid = await makeCourse(deps, { priceCredits: 10 });
    const priv = await makeCourse(deps, { visibility: "private" });
    const anon = await callerFor(null);
    const learner = await callerFor(await signIn(deps));
    expect(await siraCodeOf(anon.courses.enroll({ id_or_slug: paid.id }))).toBe("UNAUTHENTICATED");
    expect(await siraCodeOf(learner.courses.enroll({ id_or_slug: paid.id }))).toBe("PAYMENT_REQUIRED");
    expect(await siraCodeOf(learner.courses.get({ id_or_slug: priv.id }))).toBe("NOT_FOUND");
    expect(await siraCodeOf(learner.courses.myEnrollments({ page: 1, limit: 5, since: "soon" }))).toBe("INVALID_SINCE");
  });

  it("is mounted over HTTP with the same 402 status and code", async () => {
    const learner = await signIn(deps);
    const paid = await makeCourse(deps, { priceCredits: 10 });
    const res = await app.request("/trpc/courses.enroll", {
      method: "POST",
      headers: { ...learner.headers, "content-type": "application/json" },
      body: JSON.stringify({ id_or_slug: paid.id }),
    });
    expect(res.status).toBe(402);
    const body = (await res.json()) as { error: { data: { code: string; httpStatus: number } } };
    expect(body.error.data).toMatchObject({ code: "PAYMENT_REQUIRED", httpStatus: 402 });
  });
});

describe("tRPC curricula", () => {
  it("list and get follow readableCurricula: a private one only for grantees", async () => {
    const learner = await signIn(deps);
    const priv = await makeCourse(deps, { visibility: "private" });
    const cur = await makeCurriculum(deps, [priv.id], { visibility: "private" });
    const stranger = await callerFor(await signIn(deps));
    expect((await stranger.curricula.list({ page: 1, limit: 20 })).total).toBe(0);
    expect(await siraCodeOf(stranger.curricula.get({ slug: cur.slug }))).toBe("NOT_FOUND");
    await grantUser(deps, cur.id, learner.userId);
    const granted = await callerFor(learner);
    expect((await granted.curricula.list({ page: 1, limit: 20 })).items.map((c) => c.id)).toEqual([cur.id]);
    expect((await granted.curricula.get({ slug: cur.slug })).courses.map((c) => c.id)).toEqual([priv.id]);
  });
});
