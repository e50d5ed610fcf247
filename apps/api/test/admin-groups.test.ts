/**
 * /api/v1/admin/groups and tRPC `admin.groups`: groups are listed with member counts (bounded
 * SQL), created (unique names), renamed, deleted; members are added by id or email (unknown ones
 * reported back, idempotent), listed and removed; each change leaves one audit row.
 */
import type { AdminGroup, AdminGroupMember, GroupMembersAdded, Page, Problem } from "@sira/contracts";
import { readableCurricula } from "@sira/domain";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, countQueries, jsonSender, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";
import { callerAs } from "./trpc-caller.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const BASE = "/api/v1/admin/groups";
const MISSING = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const send = jsonSender(app, "groups-test");

async function problem(res: Response, status: number): Promise<Problem> {
  expect(res.status).toBe(status);
  return (await res.json()) as Problem;
}

async function group(admin: SignedIn, name: string): Promise<AdminGroup> {
  const res = await send(admin, "POST", BASE, { name });
  expect(res.status).toBe(201);
  return (await res.json()) as AdminGroup;
}

async function auditOf(action: string, res: Response) {
  const rows = await deps.db.auditLog.findMany({ where: { action } });
  expect(rows).toHaveLength(1);
  expect(rows[0]?.requestId).toBe(res.headers.get("x-request-id"));
  return rows[0];
}

describe("groups", () => {
  it("creates, renames and deletes a group, auditing each step with its request id", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const created = await send(admin, "POST", BASE, { name: "Sages-femmes Thiès", description: "Promo 2026" });
    expect(created.status).toBe(201);
    const g = (await created.json()) as AdminGroup;
    expect(g).toMatchObject({ name: "Sages-femmes Thiès", description: "Promo 2026", member_count: 0 });
    expect((await auditOf("group.created", created))?.after).toEqual({
      name: "Sages-femmes Thiès",
      description: "Promo 2026",
    });

    const renamed = await send(admin, "PATCH", `${BASE}/${g.id}`, { name: "Sages-femmes Thiès 2026" });
    expect(((await renamed.json()) as AdminGroup).name).toBe("Sages-femmes Thiès 2026");
    const ra = await auditOf("group.updated", renamed);
    expect([ra?.before, ra?.after]).toEqual([{ name: "Sages-femmes Thiès" }, { name: "Sages-femmes Thiès 2026" }]);

    const learner = await signIn(deps);
    await send(admin, "POST", `${BASE}/${g.id}/members`, { user_ids: [learner.userId] });
    const removed = await send(admin, "DELETE", `${BASE}/${g.id}`);
    expect(await removed.json()).toEqual({ deleted: true });
    expect((await auditOf("group.deleted", removed))?.before).toMatchObject({
      name: "Sages-femmes Thiès 2026",
      member_count: 1,
    });
    expect(await deps.db.userGroup.count()).toBe(0);
    expect(await deps.db.userGroupMember.count()).toBe(0);
  });

  it("refuses a name already taken, whatever its case (409), on create and rename", async () => {
    const admin = await signIn(deps, { role: "admin" });
    await group(admin, "Infirmiers Dakar");
    const other = await group(admin, "Pharmaciens");
    const dup = await problem(await send(admin, "POST", BASE, { name: "infirmiers DAKAR" }), 409);
    expect(dup.code).toBe("CONFLICT");
    expect(dup.errors?.map((e) => e.field)).toEqual(["name"]);
    const fr = await problem(
      await send(admin, "PATCH", `${BASE}/${other.id}`, { name: "Infirmiers Dakar" }, "fr"),
      409,
    );
    expect(fr.detail).toBe("Un groupe nommé « Infirmiers Dakar » existe déjà.");
    expect(await deps.db.userGroup.count()).toBe(2);
    expect(await deps.db.auditLog.count({ where: { action: "group.updated" } })).toBe(0);
  });

  it("lists groups by name with member counts, searched, paginated, in bounded SQL", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const users = await Promise.all([signIn(deps), signIn(deps)]);
    for (let n = 0; n < 50; n += 1) {
      await deps.db.userGroup.create({
        data: {
          name: `Groupe ${String(n).padStart(2, "0")}`,
          members: { create: users.map((u) => ({ userId: u.userId })) },
        },
      });
    }
    const count = async (limit: number) =>
      countQueries(deps, async () => {
        const page = (await (await send(admin, "GET", `${BASE}?limit=${limit}`)).json()) as Page<AdminGroup>;
        expect(page.items).toHaveLength(limit);
        expect(page.items.every((g) => g.member_count === 2)).toBe(true);
        expect(page.items[0]?.name).toBe("Groupe 00");
      });
    const small = await count(5);
    expect(await count(50)).toBe(small);
    expect(small).toBeLessThanOrEqual(3);
    const found = (await (await send(admin, "GET", `${BASE}?search=groupe 4`)).json()) as Page<AdminGroup>;
    expect(found.total).toBe(10);
    expect(found).toMatchObject({ limit: 20, has_more: false });
  });
});

describe("members", () => {
  it("adds by id and by email, reports unknown ones and existing members, and is idempotent", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const a = await signIn(deps, { email: "awa@example.org" });
    const b = await signIn(deps);
    const g = await group(admin, "Cohorte A");
    const first = await send(admin, "POST", `${BASE}/${g.id}/members`, {
      user_ids: [b.userId, MISSING],
      emails: ["AWA@example.org", "inconnu@example.org"],
    });
    expect(first.status).toBe(200);
    const body = (await first.json()) as GroupMembersAdded;
    expect(body.added.sort()).toEqual([a.userId, b.userId].sort());
    expect(body).toMatchObject({
      already_members: [],
      unknown_user_ids: [MISSING],
      unknown_emails: ["inconnu@example.org"],
    });
    const audit = await auditOf("group.members_added", first);
    expect(((audit?.after ?? {}) as { user_ids?: string[] }).user_ids?.sort()).toEqual([a.userId, b.userId].sort());

    const again = await send(admin, "POST", `${BASE}/${g.id}/members`, { emails: ["awa@example.org"] });
    expect(await again.json()).toEqual({
      added: [],
      already_members: [a.userId],
      unknown_user_ids: [],
      unknown_emails: [],
    });
    expect(await deps.db.userGroupMember.count({ where: { groupId: g.id } })).toBe(2);
    expect(await deps.db.auditLog.count({ where: { action: "group.members_added" } })).toBe(1);
  });

  it("lists members paginated in bounded SQL, removes one, and 404s on a non-member", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const g = await group(admin, "Grande cohorte");
    const users = [];
    for (let n = 0; n < 50; n += 1) {
      users.push(
        await deps.db.user.create({
          data: {
            email: `m${n}@example.org`,
            name: `Membre ${n}`,
            country: "SN",
            professionalRole: "nurse",
            status: "active",
          },
        }),
      );
    }
    await send(admin, "POST", `${BASE}/${g.id}/members`, { user_ids: users.map((u) => u.id) });
    const count = async (limit: number) =>
      countQueries(deps, async () => {
        const page = (await (
          await send(admin, "GET", `${BASE}/${g.id}/members?limit=${limit}`)
        ).json()) as Page<AdminGroupMember>;
        expect(page.items).toHaveLength(limit);
        expect(page.total).toBe(50);
      });
    const small = await count(5);
    expect(await count(50)).toBe(small);
    // the caller's role (decision 0029), group, members, their users (a relation is its own statement), count.
    expect(small).toBeLessThanOrEqual(5);

    const target = users[7]?.id as string;
    const removed = await send(admin, "DELETE", `${BASE}/${g.id}/members/${target}`);
    expect(removed.status).toBe(200);
    expect((await auditOf("group.member_removed", removed))?.before).toEqual({ user_id: target });
    expect(await deps.db.userGroupMember.count({ where: { groupId: g.id } })).toBe(49);
    const again = await problem(await send(admin, "DELETE", `${BASE}/${g.id}/members/${target}`), 404);
    expect(again.detail).toBe("This user is not a member of the group.");
  });

  it("membership opens the group's private curricula, and removal closes them", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const learner = await signIn(deps);
    const g = await group(admin, "Accès privé");
    const cur = await deps.db.curriculum.create({
      data: {
        slug: "prive",
        titleFr: "Privé",
        titleEn: "Private",
        status: "published",
        visibility: "private",
        access: { create: [{ groupId: g.id }] },
      },
    });
    const sees = async () =>
      deps.db.curriculum.count({
        where: { AND: [{ id: cur.id }, readableCurricula({ userId: learner.userId, role: "learner" })] },
      });
    expect(await sees()).toBe(0);
    await send(admin, "POST", `${BASE}/${g.id}/members`, { user_ids: [learner.userId] });
    expect(await sees()).toBe(1);
    await send(admin, "DELETE", `${BASE}/${g.id}/members/${learner.userId}`);
    expect(await sees()).toBe(0);
  });
});

describe("bad input", () => {
  const cases: [string, string, (id: string) => string, unknown, string[]][] = [
    ["POST", "an empty name", () => BASE, { name: " " }, ["name"]],
    ["POST", "an unknown field", () => BASE, { name: "G", members: [] }, ["members"]],
    ["PATCH", "an unknown field", (id) => `${BASE}/${id}`, { name: "G2", created_by: MISSING }, ["created_by"]],
    ["POST", "no members at all", (id) => `${BASE}/${id}/members`, { user_ids: [], emails: [] }, ["(body)"]],
    ["POST", "a malformed email", (id) => `${BASE}/${id}/members`, { emails: ["not-an-email"] }, ["emails.0"]],
    ["POST", "a malformed user id", (id) => `${BASE}/${id}/members`, { user_ids: ["42"] }, ["user_ids.0"]],
  ];
  for (const [method, what, path, body, fields] of cases) {
    it(`${method} refuses ${what}, naming ${fields.join(", ")}`, async () => {
      const admin = await signIn(deps, { role: "admin" });
      const g = await group(admin, "Base");
      const before = await deps.db.auditLog.count();
      const p = await problem(await send(admin, method, path(g.id), body), 400);
      expect(p.errors?.map((e) => e.field)).toEqual(fields);
      expect(await deps.db.auditLog.count()).toBe(before);
      expect(await deps.db.userGroup.findUniqueOrThrow({ where: { id: g.id } })).toMatchObject({ name: "Base" });
    });
  }

  it("answers 404 for a group that does not exist, on every route", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const calls: [string, string, unknown][] = [
      ["PATCH", `${BASE}/${MISSING}`, { name: "X" }],
      ["DELETE", `${BASE}/${MISSING}`, undefined],
      ["GET", `${BASE}/${MISSING}/members`, undefined],
      ["POST", `${BASE}/${MISSING}/members`, { user_ids: [admin.userId] }],
      ["DELETE", `${BASE}/${MISSING}/members/${admin.userId}`, undefined],
    ];
    for (const [method, path, body] of calls) {
      expect([method, path, (await problem(await send(admin, method, path, body), 404)).code]).toEqual([
        method,
        path,
        "NOT_FOUND",
      ]);
    }
    expect(await deps.db.auditLog.count()).toBe(0);
  });
});

describe("tRPC admin.groups", () => {
  it("runs the same use cases", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const learner = await signIn(deps);
    const caller = await callerAs(deps, admin, { lang: "en", requestId: "trpc-groups-0001" });
    const g = await caller.admin.groups.create({ name: "Par tRPC" });
    expect((await caller.admin.groups.addMembers({ id: g.id, user_ids: [learner.userId] })).added).toEqual([
      learner.userId,
    ]);
    expect((await caller.admin.groups.members({ id: g.id, page: 1, limit: 20 })).items.map((m) => m.user_id)).toEqual([
      learner.userId,
    ]);
    expect((await caller.admin.groups.list({ page: 1, limit: 20 })).items[0]?.member_count).toBe(1);
    expect(await caller.admin.groups.removeMember({ id: g.id, user_id: learner.userId })).toEqual({ deleted: true });
    const rows = await deps.db.auditLog.findMany({ where: { targetId: g.id } });
    expect(rows.map((r) => r.action).sort()).toEqual(["group.created", "group.member_removed", "group.members_added"]);
    expect(rows.every((r) => r.requestId === "trpc-groups-0001")).toBe(true);
  });
});
