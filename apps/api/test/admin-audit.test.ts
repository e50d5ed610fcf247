/**
 * GET /api/v1/admin/audit-log and tRPC `admin.auditLog.list`: admins only, newest first, filtered
 * by actor, action prefix, target and time range, paged with a bounded number of statements.
 */
import type { AuditEntry, Page } from "@sira/contracts";
import type { TRPCError } from "@trpc/server";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { COURSES, call, callerFor, problemOf } from "./admin-courses.fixtures.ts";
import { closeTestDeps, countQueries, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const AUDIT = "/api/v1/admin/audit-log";
const at = (day: number) => new Date(Date.UTC(2026, 2, day, 12));
const target = crypto.randomUUID();

/** Five entries on March 1–5, by two actors. */
async function trail(admin: SignedIn, other: SignedIn) {
  await deps.db.auditLog.createMany({
    data: [
      { actorId: admin.userId, action: "course.created", targetType: "course", targetId: target, createdAt: at(1) },
      { actorId: admin.userId, action: "course.updated", targetType: "course", targetId: target, createdAt: at(2) },
      { actorId: other.userId, action: "course.published", targetType: "course", targetId: target, createdAt: at(3) },
      { actorId: other.userId, action: "courses_x.moved", targetType: "curriculum", targetId: "k", createdAt: at(4) },
      {
        actorId: null,
        action: "auth.admin_created",
        targetType: "user",
        targetId: admin.userId,
        requestId: "req-12345678",
        after: { note: "bootstrap" },
        createdAt: at(5),
      },
    ],
  });
}

async function entries(user: SignedIn, query = ""): Promise<Page<AuditEntry>> {
  const res = await call(app, "GET", `${AUDIT}${query}`, { as: user });
  expect(res.status).toBe(200);
  return (await res.json()) as Page<AuditEntry>;
}

describe("GET /api/v1/admin/audit-log", () => {
  it("lists entries newest first, with the actor and the stored diff", async () => {
    const admin = await signIn(deps, { role: "admin", name: "Awa Admin" });
    await trail(admin, await signIn(deps, { role: "admin" }));
    const page = await entries(admin);
    expect(page.items.map((e) => e.action)).toEqual([
      "auth.admin_created",
      "courses_x.moved",
      "course.published",
      "course.updated",
      "course.created",
    ]);
    expect(page).toMatchObject({ page: 1, limit: 20, total: 5, has_more: false });
    expect(page.items[0]).toEqual({
      id: expect.any(String),
      actor_id: null,
      actor: null,
      action: "auth.admin_created",
      target_type: "user",
      target_id: admin.userId,
      before: null,
      after: { note: "bootstrap" },
      request_id: "req-12345678",
      ip: null,
      created_at: at(5).toISOString(),
    });
    expect(page.items[4]?.actor).toEqual({ id: admin.userId, email: admin.email, name: "Awa Admin", role: "admin" });
  });

  it("filters by actor, action prefix, target and [from, to)", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const other = await signIn(deps, { role: "admin" });
    await trail(admin, other);
    const actions = async (q: string) => (await entries(admin, q)).items.map((e) => e.action);
    expect(await actions(`?actor_id=${other.userId}`)).toEqual(["courses_x.moved", "course.published"]);
    // "course." is a prefix of course actions only: not "courses_x.moved".
    expect(await actions("?action=course.")).toEqual(["course.published", "course.updated", "course.created"]);
    expect(await actions("?action=course.pub")).toEqual(["course.published"]);
    expect(await actions("?action=course_")).toEqual([]);
    expect(await actions("?target_type=curriculum")).toEqual(["courses_x.moved"]);
    expect(await actions(`?target_type=course&target_id=${target}&action=course.c`)).toEqual(["course.created"]);
    const from = encodeURIComponent(at(2).toISOString());
    const to = encodeURIComponent(at(4).toISOString());
    expect(await actions(`?from=${from}&to=${to}`)).toEqual(["course.published", "course.updated"]);
    expect(await actions(`?from=${encodeURIComponent("2026-03-04T13:00:00+01:00")}`)).toEqual([
      "auth.admin_created",
      "courses_x.moved",
    ]);
  });

  it("pages newest first", async () => {
    const admin = await signIn(deps, { role: "admin" });
    await trail(admin, admin);
    const second = await entries(admin, "?page=2&limit=2");
    expect(second.items.map((e) => e.action)).toEqual(["course.published", "course.updated"]);
    expect(second).toMatchObject({ page: 2, limit: 2, total: 5, has_more: true });
  });

  it("shows the entries that course mutations wrote, with their request id", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const res = await call(app, "POST", COURSES, {
      as: admin,
      body: { title_fr: "Audité" },
      headers: { "x-request-id": "audit-trail-0001" },
    });
    const { id } = (await res.json()) as { id: string };
    const page = await entries(admin, `?target_type=course&target_id=${id}`);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      action: "course.created",
      actor_id: admin.userId,
      request_id: "audit-trail-0001",
    });
  });

  it("runs the same number of statements for limit=5 and limit=50", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const actors = [admin, await signIn(deps, { role: "admin" }), await signIn(deps, { role: "admin" })];
    await deps.db.auditLog.createMany({
      data: Array.from({ length: 60 }, (_, i) => ({
        actorId: actors[i % 3]?.userId ?? null,
        action: "course.updated",
        targetType: "course",
        targetId: crypto.randomUUID(),
      })),
    });
    const count = (q: string) => countQueries(deps, () => entries(admin, q));
    const small = await count("?limit=5&action=course.");
    const large = await count("?limit=50&action=course.");
    expect(large).toBe(small);
    expect(small).toBe(4); // the caller's role (decision 0029) + count + page + actors
  });
});

describe("GET /api/v1/admin/audit-log refusals", () => {
  it("answers 401 anonymously, 403 to learners and experts", async () => {
    expect((await call(app, "GET", AUDIT)).status).toBe(401);
    for (const role of ["learner", "expert"] as const) {
      const res = await call(app, "GET", AUDIT, { as: await signIn(deps, { role }) });
      expect(res.status).toBe(403);
      expect((await problemOf(res)).code).toBe("FORBIDDEN");
    }
  });

  const bad: [string, string][] = [
    ["?actor_id=42", "actor_id"],
    ["?action=Course.Created", "action"],
    ["?action=course.%25", "action"],
    ["?from=yesterday", "from"],
    ["?from=2026-03-05T00:00:00Z&to=2026-03-01T00:00:00Z", "from"],
    ["?limit=500", "limit"],
  ];
  for (const [query, field] of bad) {
    it(`${query} → 400 naming ${field}`, async () => {
      const res = await call(app, "GET", `${AUDIT}${query}`, { as: await signIn(deps, { role: "admin" }) });
      expect(res.status).toBe(400);
      expect((await problemOf(res)).errors?.map((e) => e.field)).toContain(field);
    });
  }

  it("tRPC: experts are FORBIDDEN, admins get the same page", async () => {
    const admin = await signIn(deps, { role: "admin" });
    await trail(admin, admin);
    const expert = await callerFor(deps, await signIn(deps, { role: "expert" }));
    const error = await expert.admin.auditLog.list({}).catch((e: unknown) => e);
    expect((error as TRPCError).code).toBe("FORBIDDEN");
    const page = await (await callerFor(deps, admin)).admin.auditLog.list({ action: "course.", limit: 2 });
    expect(page.items.map((e) => e.action)).toEqual(["course.published", "course.updated"]);
    expect(page.total).toBe(3);
  });
});
