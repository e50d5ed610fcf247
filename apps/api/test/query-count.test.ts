import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, countQueries, resetState, testApp } from "./helpers.ts";

const { deps } = testApp();
beforeEach(() => resetState());
afterAll(() => closeTestDeps());

describe("countQueries", () => {
  it("counts each SQL statement Prisma sends, and only inside the work", async () => {
    await deps.db.user.count();
    expect(await countQueries(deps, () => deps.db.user.count())).toBe(1);
    expect(
      await countQueries(deps, async () => {
        await deps.db.user.count();
        await deps.db.course.findMany({ take: 5 });
        await deps.db.$queryRaw`SELECT 1`;
      }),
    ).toBe(3);
  });
});
