/**
 * Who /api/v1/admin/courses must refuse. One table: anonymous (401), learner (403), expert
 * non-owner (404, indistinguishable from a missing course), expert owner and admin (allowed),
 * for every route; publishing and visibility changes are the admin's alone (403 to experts) until
 * `courses.experts_can_publish` is on. Experts never assign courses to experts, and never see
 * others' courses in lists.
 */
import type { AdminCourse, Page } from "@sira/contracts";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  auditRowsFor,
  COURSES,
  call,
  callerFor,
  letExpertsPublish,
  problemOf,
  seedCourse,
} from "./admin-courses.fixtures.ts";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";
import { makeTestCaller } from "./trpc-caller.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

type Who = "anonymous" | "learner" | "expert non-owner" | "expert owner" | "expert author" | "admin";

interface Cast {
  owner: SignedIn;
  callers: Record<Exclude<Who, "anonymous">, SignedIn>;
}

async function cast(): Promise<Cast> {
  const owner = await signIn(deps, { role: "expert" });
  return {
    owner,
    callers: {
      learner: await signIn(deps),
      "expert non-owner": await signIn(deps, { role: "expert" }),
      "expert owner": owner,
      "expert author": await signIn(deps, { role: "expert" }),
      admin: await signIn(deps, { role: "admin" }),
    },
  };
}

interface Route {
  name: string;
  method: string;
  path: (id: string) => string;
  body?: unknown;
  ok: number;
  /** Decides what learners see: experts need `courses.experts_can_publish`. */
  publishing?: true;
}

const routes: Route[] = [
  { name: "get", method: "GET", path: (id) => `${COURSES}/${id}`, ok: 200 },
  { name: "update", method: "PATCH", path: (id) => `${COURSES}/${id}`, body: { title_fr: "Piraté" }, ok: 200 },
  { name: "publish", method: "POST", path: (id) => `${COURSES}/${id}/publish`, ok: 200, publishing: true },
  {
    name: "change visibility",
    method: "PATCH",
    path: (id) => `${COURSES}/${id}`,
    body: { visibility: "private" },
    ok: 200,
    publishing: true,
  },
  { name: "archive", method: "POST", path: (id) => `${COURSES}/${id}/archive`, ok: 200 },
  { name: "delete", method: "DELETE", path: (id) => `${COURSES}/${id}`, ok: 200 },
];

const expected: Record<Who, { status: number; code?: string }> = {
  anonymous: { status: 401, code: "UNAUTHENTICATED" },
  learner: { status: 403, code: "FORBIDDEN" },
  "expert non-owner": { status: 404, code: "NOT_FOUND" },
  "expert owner": { status: 200 },
  "expert author": { status: 200 },
  admin: { status: 200 },
};

describe("the access matrix for /api/v1/admin/courses/{id}", () => {
  for (const route of routes) {
    for (const who of Object.keys(expected) as Who[]) {
      const managingExpert = who === "expert owner" || who === "expert author";
      const want = route.publishing && managingExpert ? { status: 403, code: "FORBIDDEN" } : expected[who];
      it(`${route.method} ${route.name} as ${who} → ${want.status}`, async () => {
        const { owner, callers } = await cast();
        const author = callers["expert author"];
        // The author created the course, the owner is its expert: both manage it.
        const { id } = await seedCourse(deps, {
          expertId: who === "expert author" ? null : owner.userId,
          createdById: author.userId,
          modules: 1,
        });
        const caller = who === "anonymous" ? null : callers[who];
        const res = await call(app, route.method, route.path(id), { as: caller, body: route.body });
        expect(res.status).toBe(want.status === 200 ? route.ok : want.status);
        if (want.code) {
          expect((await problemOf(res)).code).toBe(want.code);
          const row = await deps.db.course.findUniqueOrThrow({ where: { id } });
          expect([row.status, row.titleFr, row.visibility]).toEqual(["draft", "Santé publique", "public"]);
          expect(await auditRowsFor(deps, id)).toHaveLength(0);
        } else {
          expect(await auditRowsFor(deps, id)).toHaveLength(route.method === "GET" ? 0 : 1);
        }
      });
    }
  }
});

describe("with courses.experts_can_publish on", () => {
  it("an expert publishes and changes the visibility of the courses they manage, and of no other", async () => {
    const { owner, callers } = await cast();
    const { id } = await seedCourse(deps, { expertId: owner.userId, modules: 1 });
    const stranger = callers["expert non-owner"];
    await letExpertsPublish(app, callers.admin, true);

    expect((await call(app, "POST", `${COURSES}/${id}/publish`, { as: stranger })).status).toBe(404);
    expect((await call(app, "POST", `${COURSES}/${id}/publish`, { as: callers.learner })).status).toBe(403);
    expect((await call(app, "POST", `${COURSES}/${id}/publish`, { as: owner })).status).toBe(200);
    const patch = await call(app, "PATCH", `${COURSES}/${id}`, { as: owner, body: { visibility: "private" } });
    expect(patch.status).toBe(200);
    expect(await deps.db.course.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "published",
      visibility: "private",
    });

    // Off again: the admin's call once more, even for an already published course.
    await letExpertsPublish(app, callers.admin, false);
    const back = await call(app, "PATCH", `${COURSES}/${id}`, { as: owner, body: { visibility: "public" } });
    expect([back.status, (await problemOf(back)).code]).toEqual([403, "FORBIDDEN"]);
    expect((await call(app, "PATCH", `${COURSES}/${id}`, { as: owner, body: { title_fr: "Encore" } })).status).toBe(
      200,
    );
  });

  it("the revenue split is the admin's alone; a live course's price needs publishing rights", async () => {
    const { owner, callers } = await cast();
    const { id } = await seedCourse(deps, { expertId: owner.userId, status: "published", modules: 1 });
    const patch = (as: SignedIn, body: unknown) => call(app, "PATCH", `${COURSES}/${id}`, { as, body });
    const unchanged = async () => {
      const row = await deps.db.course.findUniqueOrThrow({ where: { id } });
      expect([row.isMarketplace, row.priceCredits]).toEqual([false, 0]);
      expect(await auditRowsFor(deps, id)).toHaveLength(0);
    };

    for (const body of [
      { is_marketplace: true },
      { price_credits: 10_000_000 },
      { is_marketplace: true, price_credits: 5 },
    ]) {
      const res = await patch(owner, body);
      expect([res.status, (await problemOf(res)).code]).toEqual([403, "FORBIDDEN"]);
      await unchanged();
    }
    // Sending the stored values, as the console's form does, is no change.
    expect((await patch(owner, { is_marketplace: false, price_credits: 0, title_fr: "Encore" })).status).toBe(200);

    await letExpertsPublish(app, callers.admin, true);
    expect((await patch(owner, { is_marketplace: true })).status).toBe(403);
    expect((await patch(owner, { price_credits: 300 })).status).toBe(200);
    await letExpertsPublish(app, callers.admin, false);

    const admin = await patch(callers.admin, { is_marketplace: true, price_credits: 500 });
    expect(admin.status).toBe(200);
    expect(await deps.db.course.findUniqueOrThrow({ where: { id } })).toMatchObject({
      isMarketplace: true,
      priceCredits: 500,
    });
  });

  it("an expert prices their drafts, but never creates or makes one a marketplace course", async () => {
    const { owner } = await cast();
    const { id } = await seedCourse(deps, { expertId: owner.userId });
    expect((await call(app, "PATCH", `${COURSES}/${id}`, { as: owner, body: { price_credits: 250 } })).status).toBe(
      200,
    );
    const flag = await call(app, "PATCH", `${COURSES}/${id}`, { as: owner, body: { is_marketplace: true } });
    expect(flag.status).toBe(403);
    const create = await call(app, "POST", COURSES, { as: owner, body: { title_fr: "T", is_marketplace: true } });
    expect([create.status, (await problemOf(create)).code]).toEqual([403, "FORBIDDEN"]);
    expect(await deps.db.course.count({ where: { isMarketplace: true } })).toBe(0);
    const plain = await call(app, "POST", COURSES, { as: owner, body: { title_fr: "T", is_marketplace: false } });
    expect(plain.status).toBe(201);
  });

  it("tRPC publish refuses an expert while the setting is off", async () => {
    const { owner } = await cast();
    const { id } = await seedCourse(deps, { expertId: owner.userId, modules: 1 });
    const trpc = await callerFor(deps, owner);
    const error = await trpc.admin.courses.publish({ id }).catch((e: unknown) => e);
    expect((error as TRPCError).code).toBe("FORBIDDEN");
    expect((await deps.db.course.findUniqueOrThrow({ where: { id } })).status).toBe("draft");
  });
});

describe("lists and creation", () => {
  const listAndCreate: [Who, number, number][] = [
    ["anonymous", 401, 401],
    ["learner", 403, 403],
    ["expert non-owner", 200, 201],
    ["admin", 200, 201],
  ];
  for (const [who, listStatus, createStatus] of listAndCreate) {
    it(`GET and POST ${COURSES} as ${who} → ${listStatus}/${createStatus}`, async () => {
      const { callers } = await cast();
      const caller = who === "anonymous" ? null : callers[who as Exclude<Who, "anonymous">];
      expect((await call(app, "GET", COURSES, { as: caller })).status).toBe(listStatus);
      expect((await call(app, "POST", COURSES, { as: caller, body: { title_fr: "Nouveau" } })).status).toBe(
        createStatus,
      );
    });
  }

  it("an expert lists only the courses they own or wrote, whatever the filters", async () => {
    const { owner, callers } = await cast();
    const other = callers["expert non-owner"];
    const mine = (await seedCourse(deps, { expertId: owner.userId })).id;
    const written = (await seedCourse(deps, { createdById: owner.userId })).id;
    await seedCourse(deps, { expertId: other.userId });
    await seedCourse(deps, { status: "published" });
    const page = async (query: string) => {
      const res = await call(app, "GET", `${COURSES}${query}`, { as: owner });
      return (await res.json()) as Page<AdminCourse>;
    };
    const all = await page("");
    expect(all.items.map((c) => c.id).sort()).toEqual([mine, written].sort());
    expect(all.total).toBe(2);
    expect((await page(`?expert_id=${other.userId}`)).items).toEqual([]);
    expect((await page("?status=published")).total).toBe(0);
    const admin = await call(app, "GET", COURSES, { as: callers.admin });
    expect(((await admin.json()) as Page<AdminCourse>).total).toBe(4);
  });

  it("an expert cannot assign a course to an expert, at creation or later: 403", async () => {
    const { owner, callers } = await cast();
    const other = callers["expert non-owner"];
    const create = await call(app, "POST", COURSES, { as: owner, body: { title_fr: "T", expert_id: other.userId } });
    expect(create.status).toBe(403);
    expect((await problemOf(create)).code).toBe("FORBIDDEN");
    expect(await deps.db.course.count()).toBe(0);

    const { id } = await seedCourse(deps, { expertId: owner.userId });
    const patch = await call(app, "PATCH", `${COURSES}/${id}`, { as: owner, body: { expert_id: other.userId } });
    expect(patch.status).toBe(403);
    expect((await deps.db.course.findUniqueOrThrow({ where: { id } })).expertId).toBe(owner.userId);
  });

  it("an expert's created course is theirs even when they send no expert_id", async () => {
    const { owner } = await cast();
    const res = await call(app, "POST", COURSES, { as: owner, body: { title_fr: "À moi" } });
    const course = (await res.json()) as AdminCourse;
    expect([course.expert_id, course.created_by]).toEqual([owner.userId, owner.userId]);
  });
});

describe("tRPC admin.courses refuses the same callers", () => {
  it("learner → FORBIDDEN, expert non-owner → NOT_FOUND, expert owner → allowed", async () => {
    const { owner, callers } = await cast();
    const { id } = await seedCourse(deps, { expertId: owner.userId });
    const codeOf = (p: Promise<unknown>) => p.then(() => "OK").catch((e: unknown) => (e as TRPCError).code);

    const learner = await callerFor(deps, callers.learner);
    expect(await codeOf(learner.admin.courses.list({}))).toBe("FORBIDDEN");
    expect(await codeOf(learner.admin.courses.create({ title_fr: "T" }))).toBe("FORBIDDEN");

    const stranger = await callerFor(deps, callers["expert non-owner"]);
    expect(await codeOf(stranger.admin.courses.get({ id }))).toBe("NOT_FOUND");
    expect(await codeOf(stranger.admin.courses.update({ id, title_fr: "X" }))).toBe("NOT_FOUND");
    expect(await codeOf(stranger.admin.courses.delete({ id }))).toBe("NOT_FOUND");

    const mine = await callerFor(deps, owner);
    expect(await codeOf(mine.admin.courses.get({ id }))).toBe("OK");
    expect(await deps.db.course.count({ where: { id } })).toBe(1);
  });

  it("anonymous → UNAUTHORIZED", async () => {
    const caller = makeTestCaller(deps, null, { lang: "en", userAgent: null });
    const error = await caller.admin.courses.list({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("UNAUTHORIZED");
  });
});
