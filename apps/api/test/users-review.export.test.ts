/**
 * The GDPR export reads every row an account owns, in one transaction: an account gets a few per
 * window, shared by REST and tRPC, then 429 RATE_LIMITED with Retry-After. Others are unaffected.
 */
import { EXPORTS_PER_WINDOW } from "@sira/domain";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, resetState, signIn, testApp } from "./helpers.ts";
import { expectProblem, trpcCodeOf } from "./learner-problems.ts";
import { callerAs } from "./trpc-caller.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const EXPORT = "/api/v1/users/me/export";

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
