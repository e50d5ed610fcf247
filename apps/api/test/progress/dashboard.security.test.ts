/**
 * Who the dashboard must refuse, and whose it must never show: anonymous callers (REST and tRPC),
 * and one learner's cached dashboard (or its ETag) never served to another.
 */
import { afterAll, describe, expect, it } from "vitest";
import { closeTestDeps, type SignedIn, signIn, testApp } from "../helpers.ts";
import { expectProblem, learnerRequest, trpcCodeOf } from "../learner-problems.ts";
import { callerAs } from "../trpc-caller.ts";
import { progressWorld } from "./world.ts";

const { app, deps } = testApp();
const world = progressWorld(deps);
afterAll(closeTestDeps);

const dashboard = (user: SignedIn | null, headers: Record<string, string> = {}) =>
  learnerRequest(app, user, "GET", "/api/v1/dashboard", { headers });

describe("GET /api/v1/dashboard", () => {
  it("refuses anonymous callers with 401, over REST and tRPC", async () => {
    await expectProblem(await dashboard(null), { status: 401, code: "UNAUTHENTICATED" });
    expect(await trpcCodeOf((await callerAs(deps, null)).dashboard.get())).toBe("UNAUTHENTICATED");
  });

  it("never serves one learner's cached dashboard, or a 304 for its ETag, to another", async () => {
    const mine = await dashboard(world.learner);
    const etag = mine.headers.get("etag") as string;
    expect(etag).toBeTruthy();
    const body = (await mine.json()) as { courses: { id: string }[] };
    expect(body.courses.map((c) => c.id)).toEqual([world.course.courseId]);
    const other = await signIn(deps);
    const theirs = await dashboard(other, { "if-none-match": etag });
    expect(theirs.status).toBe(200);
    expect(((await theirs.json()) as { courses: unknown[] }).courses).toEqual([]);
    const overTrpc = await (await callerAs(deps, other)).dashboard.get();
    expect(overTrpc.courses).toEqual([]);
  });
});
