/**
 * The GDPR export reads every row an account owns, in one transaction: an account gets a few per
 * window, shared by REST and tRPC, then 429 RATE_LIMITED with Retry-After. Others are unaffected.
 * An expert's export of their ledger names none of the learners who bought their courses.
 */
import { EXPORTS_PER_WINDOW } from "@sira/domain";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { makeCourse } from "../../../packages/domain/test/content/fixtures.ts";
import { closeTestDeps, jsonSender, resetState, signIn, testApp } from "./helpers.ts";
import { expectProblem, trpcCodeOf } from "./learner-problems.ts";
import { buyCredits, moneyWorld } from "./money/world.ts";
import { callerAs } from "./trpc-caller.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const EXPORT = "/api/v1/users/me/export";
const send = jsonSender(app, "users-review-export");

describe("GET /api/v1/users/me/export, asked again and again", () => {
  it("answers 429 past the account's budget, over REST and tRPC, and leaves other accounts alone", async () => {
    const learner = await signIn(deps);
    const other = await signIn(deps);
    const caller = await callerAs(deps, learner);
    for (let i = 0; i < EXPORTS_PER_WINDOW; i++) {
      const res = i % 2 ? await app.request(EXPORT, { headers: learner.headers }) : null;
      if (res) expect(res.status).toBe(200);
      else await caller.users.export();
    }

    const refused = await app.request(EXPORT, { headers: { ...learner.headers, "accept-language": "en" } });
    const retryAfter = Number(refused.headers.get("retry-after"));
    await expectProblem(refused, { status: 429, code: "RATE_LIMITED" });
    expect(retryAfter).toBeGreaterThan(0);
    expect(await trpcCodeOf(caller.users.export())).toBe("RATE_LIMITED");

    expect((await app.request(EXPORT, { headers: other.headers })).status).toBe(200);
  });
});

describe("GET /api/v1/users/me/export, by an expert who sold a course", () => {
  it("holds the expert's earnings, and no buyer's id", async () => {
    const { packageId } = await moneyWorld(deps, send);
    const expert = await signIn(deps, { role: "expert" });
    const learner = await signIn(deps);
    const course = await makeCourse(deps.db, { expertId: expert.userId });
    await deps.db.course.update({ where: { id: course.courseId }, data: { priceCredits: 300, isMarketplace: true } });
    await buyCredits(deps, send, learner, packageId);
    expect((await send(learner, "POST", `/api/v1/courses/${course.courseId}/purchase`, {})).status).toBe(200);

    const res = await app.request(EXPORT, { headers: expert.headers });
    expect(res.status).toBe(200);
    const text = await res.text();
    const exported = JSON.parse(text) as { credit_transactions: { type: string }[] };
    expect(exported.credit_transactions.map((t) => t.type)).toEqual(["course_earning"]);
    expect(text).not.toContain(learner.userId);
  });
});
