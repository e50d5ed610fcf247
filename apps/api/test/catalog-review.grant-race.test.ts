/**
 * Granting a curriculum to a group while an admin deletes that group: the grant found the group,
 * lost it to the delete, and failed on the foreign key with a 500. Now whichever goes first wins:
 * a grant queued behind the delete answers 400 naming group_id, and no grant is left.
 */
import type { AdminGroup } from "@sira/contracts";
import pg from "pg";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { makeCourse, makeCurriculum } from "./catalog.fixtures.ts";
import { closeTestDeps, jsonSender, resetState, signIn, testApp } from "./helpers.ts";
import { lockWaiters } from "./lock-waiters.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "catalog-review-grant-race");
beforeEach(resetState);
afterAll(closeTestDeps);

describe("a curriculum grant racing the group's deletion", () => {
  it("answers 400 naming group_id when the delete went first", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const course = await makeCourse(deps, { visibility: "private" });
    const curriculum = await makeCurriculum(deps, [course.id], { visibility: "private" });
    const group = (await (await send(admin, "POST", "/api/v1/admin/groups", { name: "Promo" })).json()) as AdminGroup;
    // Holding the group's row queues the delete, then the grant, behind it in that order.
    const pause = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await pause.connect();
    try {
      await pause.query("BEGIN");
      await pause.query("SELECT id FROM user_groups WHERE id = $1 FOR UPDATE", [group.id]);
      const deleting = Promise.resolve(send(admin, "DELETE", `/api/v1/admin/groups/${group.id}`));
      await lockWaiters(pause, 1);
      const granting = Promise.resolve(
        send(admin, "POST", `/api/v1/admin/curricula/${curriculum.id}/access`, { group_id: group.id }),
      );
      await lockWaiters(pause, 2);
      await pause.query("COMMIT");
      expect((await deleting).status).toBe(200);
      const granted = await granting;
      expect(granted.status).toBe(400);
      expect(((await granted.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe("group_id");
    } finally {
      await pause.end();
    }
    expect(await deps.db.curriculumAccess.count()).toBe(0);
  });
});
