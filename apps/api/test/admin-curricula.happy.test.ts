/**
 * /api/v1/admin/curricula and tRPC `admin.curricula`: the back office creates, edits, orders,
 * publishes, opens and deletes curricula; every change leaves one audit row from its request.
 */
import {
  ADMIN_CURRICULUM_DETAIL_GRANTS,
  type AdminCurriculum,
  type AdminCurriculumDetail,
  type Page,
} from "@sira/contracts";
import { readableCurricula } from "@sira/domain";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, countQueries, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";
import { callerAs } from "./trpc-caller.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const BASE = "/api/v1/admin/curricula";
let seq = 0;

function send(user: SignedIn, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  seq += 1;
  return app.request(path, {
    method,
    headers: {
      ...user.headers,
      "content-type": "application/json",
      "x-request-id": `curricula-happy-${String(seq).padStart(4, "0")}`,
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function course(slug: string, status = "published", visibility = "public") {
  return deps.db.course.create({
    data: { slug, titleFr: `Cours ${slug}`, titleEn: `Course ${slug}`, status, visibility },
  });
}

async function created(admin: SignedIn, body: Record<string, unknown>): Promise<AdminCurriculum> {
  const res = await send(admin, "POST", BASE, body);
  expect(res.status).toBe(201);
  return (await res.json()) as AdminCurriculum;
}

/** The one audit row of `action`, checked against the answer's X-Request-Id. */
async function auditOf(action: string, res: Response) {
  const rows = await deps.db.auditLog.findMany({ where: { action } });
  expect(rows).toHaveLength(1);
  const row = rows[0];
  expect(row?.requestId).toBe(res.headers.get("x-request-id"));
  return row;
}

describe("POST /admin/curricula", () => {
  it("creates a draft with an accent-folded slug from title_fr, and audits it with the request id", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const res = await send(admin, "POST", BASE, {
      title_fr: "Santé publique : Épidémiologie & œdèmes",
      title_en: "Public health",
      description_fr: "Les bases",
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as AdminCurriculum;
    expect(body).toMatchObject({
      slug: "sante-publique-epidemiologie-oedemes",
      status: "draft",
      visibility: "public",
      title: "Santé publique : Épidémiologie & œdèmes",
      description_fr: "Les bases",
      description_en: null,
      course_count: 0,
      grant_count: 0,
      published_at: null,
    });
    const audit = await auditOf("curriculum.created", res);
    expect(audit).toMatchObject({ actorId: admin.userId, targetType: "curriculum", targetId: body.id });
    expect(audit?.after).toMatchObject({ slug: body.slug, status: "draft", title_en: "Public health" });
  });

  it("suffixes a derived slug that is taken, and keeps an explicit one", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const a = await created(admin, { title_fr: "Paludisme", title_en: "Malaria" });
    const b = await created(admin, { title_fr: "Paludisme", title_en: "Malaria 2" });
    const c = await created(admin, { title_fr: "Paludisme", title_en: "Malaria 3" });
    const d = await created(admin, {
      slug: "palu-avance",
      title_fr: "Paludisme",
      title_en: "Malaria",
      visibility: "private",
    });
    expect([a.slug, b.slug, c.slug, d.slug]).toEqual(["paludisme", "paludisme-2", "paludisme-3", "palu-avance"]);
    expect(d.visibility).toBe("private");
  });
});

describe("GET /admin/curricula", () => {
  it("lists every status, filters by status, visibility and accent-free search, and trims ?fields=", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const draft = await created(admin, { title_fr: "Nutrition infantile", title_en: "Child nutrition" });
    const priv = await created(admin, {
      title_fr: "Santé maternelle",
      title_en: "Maternal health",
      visibility: "private",
    });
    await deps.db.curriculum.update({ where: { id: priv.id }, data: { status: "archived" } });

    const all = (await (await send(admin, "GET", BASE)).json()) as Page<AdminCurriculum>;
    expect(all.total).toBe(2);
    expect(all.items.map((i) => i.id).sort()).toEqual([draft.id, priv.id].sort());

    const archived = (await (await send(admin, "GET", `${BASE}?status=archived`)).json()) as Page<AdminCurriculum>;
    expect(archived.items.map((i) => i.id)).toEqual([priv.id]);
    const pub = (await (await send(admin, "GET", `${BASE}?visibility=public`)).json()) as Page<AdminCurriculum>;
    expect(pub.items.map((i) => i.id)).toEqual([draft.id]);
    const search = (await (await send(admin, "GET", `${BASE}?search=SANTE`)).json()) as Page<AdminCurriculum>;
    expect(search.items.map((i) => i.id)).toEqual([priv.id]);

    const trimmed = await send(admin, "GET", `${BASE}?fields=slug,status&search=nutrition`);
    expect(await trimmed.json()).toEqual({
      items: [{ id: draft.id, slug: "nutrition-infantile", status: "draft" }],
      page: 1,
      limit: 20,
      total: 1,
      has_more: false,
    });
  });

  it("pages with has_more, and answers English titles for ?lang=en", async () => {
    const admin = await signIn(deps, { role: "admin" });
    for (const n of [1, 2, 3]) await created(admin, { title_fr: `Parcours ${n}`, title_en: `Track ${n}` });
    const first = (await (await send(admin, "GET", `${BASE}?limit=2&lang=en`)).json()) as Page<AdminCurriculum>;
    expect(first).toMatchObject({ page: 1, limit: 2, total: 3, has_more: true });
    expect(first.items.every((i) => i.title.startsWith("Track"))).toBe(true);
    const second = (await (await send(admin, "GET", `${BASE}?limit=2&page=2`)).json()) as Page<AdminCurriculum>;
    expect(second).toMatchObject({ total: 3, has_more: false });
    expect(second.items).toHaveLength(1);
  });

  it("runs the same number of SQL statements for 5 and for 50 items, with or without search", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const courses = await Promise.all([course("c-1"), course("c-2")]);
    const group = await deps.db.userGroup.create({ data: { name: "Sages-femmes" } });
    for (let n = 0; n < 50; n += 1) {
      await deps.db.curriculum.create({
        data: {
          slug: `parcours-${n}`,
          titleFr: `Parcours ${n}`,
          titleEn: `Track ${n}`,
          courses: { create: courses.map((c, i) => ({ courseId: c.id, sortOrder: i })) },
          access: { create: [{ groupId: group.id }] },
        },
      });
    }
    for (const query of ["", "&search=parcours"]) {
      const count = async (limit: number) => {
        let body: Page<AdminCurriculum> | undefined;
        const n = await countQueries(deps, async () => {
          body = (await (await send(admin, "GET", `${BASE}?limit=${limit}${query}`)).json()) as Page<AdminCurriculum>;
        });
        expect(body?.items).toHaveLength(limit);
        expect(body?.items[0]).toMatchObject({ course_count: 2, grant_count: 1 });
        return n;
      };
      const small = await count(5);
      expect(await count(50)).toBe(small);
      expect(small).toBeLessThanOrEqual(4);
    }
  });
});

describe("the embedded grants of a curriculum", () => {
  it("are the 100 newest, with grant_count giving them all, on GET and after PUT /courses", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const cur = await created(admin, { title_fr: "Foule", title_en: "Crowd", visibility: "private" });
    const total = ADMIN_CURRICULUM_DETAIL_GRANTS + 5;
    await deps.db.user.createMany({
      data: Array.from({ length: total }, (_, n) => ({
        email: `foule${n}@example.org`,
        name: `U${n}`,
        country: "SN",
        professionalRole: "nurse",
        status: "active",
      })),
    });
    const users = await deps.db.user.findMany({
      where: { email: { startsWith: "foule" } },
      select: { id: true, email: true },
    });
    const start = Date.UTC(2026, 0, 1);
    await deps.db.curriculumAccess.createMany({
      data: users.map((u) => ({
        curriculumId: cur.id,
        userId: u.id,
        createdAt: new Date(start + Number(u.email.slice(5, -12)) * 60_000),
      })),
    });
    const newest = Array.from(
      { length: ADMIN_CURRICULUM_DETAIL_GRANTS },
      (_, i) => `foule${total - 1 - i}@example.org`,
    );
    const check = (detail: AdminCurriculumDetail) => {
      expect(detail.grant_count).toBe(total);
      expect(detail.grants.map((g) => g.user?.email)).toEqual(newest);
    };
    check((await (await send(admin, "GET", `${BASE}/${cur.id}`)).json()) as AdminCurriculumDetail);
    const put = await send(admin, "PUT", `${BASE}/${cur.id}/courses`, { course_ids: [] });
    expect(put.status).toBe(200);
    check((await put.json()) as AdminCurriculumDetail);
  });
});

describe("GET /admin/curricula/{id}/access", () => {
  it("lists grants with the same number of SQL statements for 5 and 50 of them", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const cur = await created(admin, { title_fr: "Beaucoup", title_en: "Many", visibility: "private" });
    for (let n = 0; n < 25; n += 1) {
      const u = await deps.db.user.create({
        data: { email: `g${n}@example.org`, name: `U${n}`, country: "SN", professionalRole: "nurse", status: "active" },
      });
      const g = await deps.db.userGroup.create({
        data: { name: `Groupe ${n}`, members: { create: [{ userId: u.id }] } },
      });
      await deps.db.curriculumAccess.createMany({
        data: [
          { curriculumId: cur.id, userId: u.id },
          { curriculumId: cur.id, groupId: g.id },
        ],
      });
    }
    const count = async (limit: number) =>
      countQueries(deps, async () => {
        const page = (await (await send(admin, "GET", `${BASE}/${cur.id}/access?limit=${limit}`)).json()) as Page<{
          kind: string;
        }>;
        expect(page.items).toHaveLength(limit);
        expect(page.total).toBe(50);
      });
    const small = await count(5);
    expect(await count(50)).toBe(small);
    expect(small).toBeLessThanOrEqual(6);
  });
});

describe("a curriculum's life: courses, publishing, visibility, access, deletion", () => {
  it("replaces the ordered course set atomically and shows it in order", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const [a, b, c] = [await course("a-course"), await course("b-course"), await course("c-course", "draft")];
    const cur = await created(admin, { title_fr: "Ordre", title_en: "Order" });
    const first = await send(admin, "PUT", `${BASE}/${cur.id}/courses`, { course_ids: [b.id, a.id] });
    expect(first.status).toBe(200);
    expect(((await first.json()) as AdminCurriculumDetail).courses.map((x) => [x.slug, x.sort_order])).toEqual([
      ["b-course", 0],
      ["a-course", 1],
    ]);
    const second = await send(admin, "PUT", `${BASE}/${cur.id}/courses`, { course_ids: [c.id, a.id] });
    const detail = (await second.json()) as AdminCurriculumDetail;
    expect(detail.courses.map((x) => x.id)).toEqual([c.id, a.id]);
    expect(detail.course_count).toBe(2);
    const stored = await deps.db.curriculumCourse.findMany({
      where: { curriculumId: cur.id },
      orderBy: { sortOrder: "asc" },
    });
    expect(stored.map((s) => [s.courseId, s.sortOrder])).toEqual([
      [c.id, 0],
      [a.id, 1],
    ]);
    const audits = await deps.db.auditLog.findMany({
      where: { action: "curriculum.courses_replaced" },
      orderBy: { createdAt: "asc" },
    });
    expect(audits.map((r) => [r.before, r.after])).toEqual([
      [{ course_ids: [] }, { course_ids: [b.id, a.id] }],
      [{ course_ids: [b.id, a.id] }, { course_ids: [c.id, a.id] }],
    ]);
    expect(audits[1]?.requestId).toBe(second.headers.get("x-request-id"));

    // The same list again changes and audits nothing.
    expect((await send(admin, "PUT", `${BASE}/${cur.id}/courses`, { course_ids: [c.id, a.id] })).status).toBe(200);
    expect(await deps.db.auditLog.count({ where: { action: "curriculum.courses_replaced" } })).toBe(2);
  });

  it("edits and publishes, then archives, auditing only what changed", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const a = await course("pub-course");
    const cur = await created(admin, { title_fr: "Brouillon", title_en: "Draft" });
    await send(admin, "PUT", `${BASE}/${cur.id}/courses`, { course_ids: [a.id] });

    const edit = await send(admin, "PATCH", `${BASE}/${cur.id}`, { title_en: "Draft", description_en: "Basics" });
    expect(edit.status).toBe(200);
    const editAudit = await auditOf("curriculum.updated", edit);
    expect([editAudit?.before, editAudit?.after]).toEqual([{ description_en: null }, { description_en: "Basics" }]);

    const pub = await send(admin, "PATCH", `${BASE}/${cur.id}`, { status: "published" });
    const published = (await pub.json()) as AdminCurriculum;
    expect(published.status).toBe("published");
    expect(published.published_at).not.toBeNull();
    const pubAudit = await auditOf("curriculum.published", pub);
    expect([pubAudit?.before, pubAudit?.after]).toEqual([{ status: "draft" }, { status: "published" }]);

    const arch = await send(admin, "PATCH", `${BASE}/${cur.id}`, { status: "archived" });
    expect(((await arch.json()) as AdminCurriculum).status).toBe("archived");
    await auditOf("curriculum.archived", arch);

    // Sending the current values is a no-op: no new row.
    expect((await send(admin, "PATCH", `${BASE}/${cur.id}`, { title_fr: "Brouillon" })).status).toBe(200);
    expect(
      await deps.db.auditLog.count({ where: { targetId: cur.id, action: { startsWith: "curriculum.updated" } } }),
    ).toBe(1);
  });

  it("grants a private curriculum by email and by group: readableCurricula then lets those learners in", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const direct = await signIn(deps, { email: "awa@example.org" });
    const member = await signIn(deps);
    const outsider = await signIn(deps);
    const group = await deps.db.userGroup.create({ data: { name: "Infirmiers Dakar" } });
    await deps.db.userGroupMember.create({ data: { groupId: group.id, userId: member.userId } });
    const a = await course("priv-course");
    const cur = await created(admin, { title_fr: "Privé", title_en: "Private", visibility: "private" });
    await send(admin, "PUT", `${BASE}/${cur.id}/courses`, { course_ids: [a.id] });
    await send(admin, "PATCH", `${BASE}/${cur.id}`, { status: "published" });

    const sees = async (user: SignedIn) =>
      (await deps.db.curriculum.count({
        where: { AND: [{ id: cur.id }, readableCurricula({ userId: user.userId, role: "learner" })] },
      })) === 1;
    expect([await sees(direct), await sees(member), await sees(outsider)]).toEqual([false, false, false]);

    const byEmail = await send(admin, "POST", `${BASE}/${cur.id}/access`, { user_email: "AWA@example.org" });
    expect(byEmail.status).toBe(200);
    expect(await byEmail.json()).toMatchObject({ created: true, grant: { kind: "user", user: { id: direct.userId } } });
    const grantAudit = await auditOf("curriculum.access_granted", byEmail);
    expect(grantAudit?.after).toEqual({ user_id: direct.userId });
    const byGroup = await send(admin, "POST", `${BASE}/${cur.id}/access`, { group_id: group.id });
    expect(await byGroup.json()).toMatchObject({
      created: true,
      grant: { kind: "group", group: { id: group.id, member_count: 1 } },
    });
    expect([await sees(direct), await sees(member), await sees(outsider)]).toEqual([true, true, false]);

    // Granting again is idempotent: the same grant, no new row, no new audit.
    const again = await send(admin, "POST", `${BASE}/${cur.id}/access`, { user_id: direct.userId });
    expect(await again.json()).toMatchObject({ created: false, grant: { user: { id: direct.userId } } });
    expect(await deps.db.curriculumAccess.count({ where: { curriculumId: cur.id } })).toBe(2);
    expect(await deps.db.auditLog.count({ where: { action: "curriculum.access_granted" } })).toBe(2);

    const list = await send(admin, "GET", `${BASE}/${cur.id}/access`);
    const grants = (await list.json()) as Page<{ kind: string }>;
    expect(grants.items.map((g) => g.kind)).toEqual(["user", "group"]);
    const detail = (await (await send(admin, "GET", `${BASE}/${cur.id}`)).json()) as AdminCurriculumDetail;
    expect(detail.grants).toHaveLength(2);
    expect(detail.courses.map((c) => c.id)).toEqual([a.id]);

    const revoke = await send(admin, "DELETE", `${BASE}/${cur.id}/access`, { group_id: group.id });
    expect(revoke.status).toBe(200);
    const revokeAudit = await auditOf("curriculum.access_revoked", revoke);
    expect(revokeAudit?.before).toEqual({ group_id: group.id });
    expect([await sees(direct), await sees(member)]).toEqual([true, false]);
  });

  it("switches visibility, and making it public opens it to everyone", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const learner = await signIn(deps);
    const a = await course("vis-course");
    const cur = await created(admin, { title_fr: "Visible", title_en: "Visible", visibility: "private" });
    await send(admin, "PUT", `${BASE}/${cur.id}/courses`, { course_ids: [a.id] });
    await send(admin, "PATCH", `${BASE}/${cur.id}`, { status: "published" });
    const where = { AND: [{ id: cur.id }, readableCurricula({ userId: learner.userId, role: "learner" })] };
    expect(await deps.db.curriculum.count({ where })).toBe(0);
    const res = await send(admin, "PUT", `${BASE}/${cur.id}/visibility`, { visibility: "public" });
    expect(((await res.json()) as AdminCurriculum).visibility).toBe("public");
    const audit = await auditOf("curriculum.visibility_changed", res);
    expect([audit?.before, audit?.after]).toEqual([{ visibility: "private" }, { visibility: "public" }]);
    expect(await deps.db.curriculum.count({ where })).toBe(1);
  });

  it("deletes a draft with its links and grants, and audits what it was", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const learner = await signIn(deps);
    const a = await course("del-course");
    const cur = await created(admin, { title_fr: "À jeter", title_en: "To delete" });
    await send(admin, "PUT", `${BASE}/${cur.id}/courses`, { course_ids: [a.id] });
    await send(admin, "POST", `${BASE}/${cur.id}/access`, { user_id: learner.userId });
    const res = await send(admin, "DELETE", `${BASE}/${cur.id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ deleted: true });
    expect(await deps.db.curriculum.count({ where: { id: cur.id } })).toBe(0);
    expect(await deps.db.curriculumAccess.count()).toBe(0);
    expect(await deps.db.course.count({ where: { id: a.id } })).toBe(1);
    const audit = await auditOf("curriculum.deleted", res);
    expect(audit?.before).toMatchObject({ slug: "a-jeter", status: "draft", course_count: 1, grant_count: 1 });
  });

  it("shows a text missing in the language asked in the other language, as the catalog does (decision 0037)", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const createdCourse = await send(admin, "POST", "/api/v1/admin/courses", { title_fr: "Paludisme" });
    expect(createdCourse.status).toBe(201);
    const frenchOnly = (await createdCourse.json()) as { id: string; title_en: string };
    expect(frenchOnly.title_en).toBe("");
    const cur = await created(admin, {
      title_fr: "Parcours tropical",
      title_en: "Tropical track",
      description_fr: "Les maladies tropicales",
      description_en: "",
    });
    await send(admin, "PUT", `${BASE}/${cur.id}/courses`, { course_ids: [frenchOnly.id] });

    const detail = await send(admin, "GET", `${BASE}/${cur.id}?lang=en`);
    expect(detail.status).toBe(200);
    const body = (await detail.json()) as AdminCurriculumDetail;
    expect(body.title).toBe("Tropical track");
    expect(body.description_en).toBe("");
    expect(body.description).toBe("Les maladies tropicales");
    expect(body.courses.map((c) => [c.title_en, c.title])).toEqual([["", "Paludisme"]]);
  });
});

describe("tRPC admin.curricula", () => {
  it("runs the same use cases, auditing with the context's request id", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const caller = await callerAs(deps, admin, { lang: "en", requestId: "trpc-curricula-0001" });
    const a = await course("trpc-course");
    const cur = await caller.admin.curricula.create({ title_fr: "Par tRPC", title_en: "Via tRPC" });
    expect(cur).toMatchObject({ slug: "par-trpc", title: "Via tRPC", status: "draft" });
    const detail = await caller.admin.curricula.replaceCourses({ id: cur.id, course_ids: [a.id] });
    expect(detail.courses.map((c) => c.id)).toEqual([a.id]);
    const published = await caller.admin.curricula.update({ id: cur.id, status: "published" });
    expect(published.status).toBe("published");
    const list = await caller.admin.curricula.list({ page: 1, limit: 20, status: "published" });
    expect(list.items.map((i) => i.id)).toEqual([cur.id]);
    const rows = await deps.db.auditLog.findMany({ where: { targetId: cur.id } });
    expect(rows.map((r) => r.action).sort()).toEqual([
      "curriculum.courses_replaced",
      "curriculum.created",
      "curriculum.published",
    ]);
    expect(new Set(rows.map((r) => r.requestId))).toEqual(new Set(["trpc-curricula-0001"]));
  });

  it("keeps the body's own rules on the merged input: no field to change, or two grantees, is refused", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const caller = await callerAs(deps, admin);
    const cur = await caller.admin.curricula.create({ title_fr: "Règles", title_en: "Rules" });
    const noChange = await caller.admin.curricula.update({ id: cur.id }).catch((e: unknown) => e);
    expect(noChange).toMatchObject({ code: "BAD_REQUEST" });
    const twoGrantees = await caller.admin.curricula
      .grant({ id: cur.id, user_id: admin.userId, group_id: cur.id })
      .catch((e: unknown) => e);
    expect(twoGrantees).toMatchObject({ code: "BAD_REQUEST" });
    expect(await deps.db.curriculumAccess.count()).toBe(0);
    expect(await deps.db.auditLog.count({ where: { targetId: cur.id } })).toBe(1);
  });
});
