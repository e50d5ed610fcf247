/**
 * The back-office catalog rules on the real database: slugs, concurrent course replacements and
 * grants (atomic, audited once each), group access through readableCurricula, and typed settings.
 */
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { readableCurricula } from "../src/access/readable.ts";
import { grantCurriculumAccess, revokeCurriculumAccess } from "../src/admin/curricula/access.ts";
import { firstFreeSlug, slugify } from "../src/admin/curricula/common.ts";
import { replaceCurriculumCourses } from "../src/admin/curricula/courses.ts";
import { addGroupMembers } from "../src/admin/groups/members.ts";
import { getSetting, updatePlatformSetting } from "../src/admin/settings/index.ts";

const db = createDb({ url: process.env.DATABASE_URL as string, poolMax: 8 });
beforeEach(() => truncateAll(process.env.DATABASE_URL as string));
afterAll(() => db.$disconnect());

async function user(role = "learner") {
  return db.user.create({
    data: {
      email: `u-${crypto.randomUUID().slice(0, 8)}@example.org`,
      name: "Fatou Sow",
      country: "SN",
      professionalRole: "nurse",
      role,
      status: "active",
      emailVerifiedAt: new Date(),
    },
  });
}

const meta = (actorId: string, requestId = "domain-0001") => ({ actorId, requestId, ip: "10.0.0.1" });

describe("slugs", () => {
  it("folds accents and ligatures, joins words with single dashes, and caps the length at a word", () => {
    expect(slugify("  Santé publique — Œdème & Épidémiologie ! ")).toBe("sante-publique-oedeme-epidemiologie");
    expect(slugify("Ça, c'est l'été 2026")).toBe("ca-c-est-l-ete-2026");
    expect(slugify("!!!")).toBe("");
    const long = slugify("mot ".repeat(40));
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    // A cut at a dash that would leave exactly a UUID (the lookup reads UUIDs as ids).
    const id = "0b6f3c1e-8d2a-4f5b-9c7e-1a2b3c4d5e6f";
    const cut = slugify(`${id} ${"x".repeat(50)}`);
    expect(cut).not.toBe(id);
    expect(cut.startsWith(id)).toBe(true);
  });

  it("takes the first free suffix", () => {
    expect(firstFreeSlug("sante", [])).toBe("sante");
    expect(firstFreeSlug("sante", ["sante", "sante-2", "sante-publique"])).toBe("sante-3");
  });
});

describe("replaceCurriculumCourses", () => {
  it("applies concurrent replacements one after the other: never a mix, each audited against the previous", async () => {
    const admin = await user("admin");
    const courses = await Promise.all(
      ["a", "b", "c", "d"].map((s) => db.course.create({ data: { slug: `c-${s}`, titleFr: s, titleEn: s } })),
    );
    const ids = courses.map((c) => c.id);
    const cur = await db.curriculum.create({ data: { slug: "concurrent", titleFr: "C", titleEn: "C" } });
    const first = [ids[0], ids[1]] as string[];
    const second = [ids[3], ids[2], ids[0]] as string[];
    await Promise.all([
      replaceCurriculumCourses(db, cur.id, { course_ids: first }, meta(admin.id, "req-1"), "fr"),
      replaceCurriculumCourses(db, cur.id, { course_ids: second }, meta(admin.id, "req-2"), "fr"),
    ]);
    const stored = await db.curriculumCourse.findMany({
      where: { curriculumId: cur.id },
      orderBy: { sortOrder: "asc" },
    });
    const final = stored.map((s) => s.courseId);
    expect([JSON.stringify(first), JSON.stringify(second)]).toContain(JSON.stringify(final));
    expect(stored.map((s) => s.sortOrder)).toEqual(final.map((_, i) => i));
    const audits = await db.auditLog.findMany({
      where: { action: "curriculum.courses_replaced" },
      orderBy: { createdAt: "asc" },
    });
    expect(audits).toHaveLength(2);
    const [a1, a2] = audits as [(typeof audits)[0], (typeof audits)[0]];
    expect(a1.before).toEqual({ course_ids: [] });
    expect(a2.before).toEqual(a1.after);
    expect(a2.after).toEqual({ course_ids: final });
  });
});

describe("grants", () => {
  it("grants once under concurrency: one row, one audit, both answers carry the same grant", async () => {
    const admin = await user("admin");
    const learner = await user();
    const cur = await db.curriculum.create({
      data: { slug: "race", titleFr: "R", titleEn: "R", visibility: "private" },
    });
    const results = await Promise.all(
      [1, 2, 3].map(() => grantCurriculumAccess(db, cur.id, { user_id: learner.id }, meta(admin.id))),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.grant.id)).size).toBe(1);
    expect(await db.curriculumAccess.count()).toBe(1);
    expect(await db.auditLog.count({ where: { action: "curriculum.access_granted" } })).toBe(1);
  });

  it("a group grant reaches members added later, and its revocation takes it away again", async () => {
    const admin = await user("admin");
    const learner = await user();
    const group = await db.userGroup.create({ data: { name: "Promo" } });
    const cur = await db.curriculum.create({
      data: { slug: "groupe", titleFr: "G", titleEn: "G", visibility: "private", status: "published" },
    });
    const visible = () =>
      db.curriculum.count({
        where: { AND: [{ id: cur.id }, readableCurricula({ userId: learner.id, role: "learner" })] },
      });
    await grantCurriculumAccess(db, cur.id, { group_id: group.id }, meta(admin.id));
    expect(await visible()).toBe(0);
    await addGroupMembers(db, group.id, { emails: [learner.email] }, meta(admin.id));
    expect(await visible()).toBe(1);
    await revokeCurriculumAccess(db, cur.id, { group_id: group.id }, meta(admin.id));
    expect(await visible()).toBe(0);
    const audits = await db.auditLog.findMany({ where: { targetId: { in: [cur.id, group.id] } } });
    expect(audits.map((a) => a.action).sort()).toEqual([
      "curriculum.access_granted",
      "curriculum.access_revoked",
      "group.members_added",
    ]);
    expect(audits.every((a) => a.ip === "10.0.0.1" && a.actorId === admin.id)).toBe(true);
  });
});

describe("getSetting", () => {
  it("returns the default, then the stored value, typed by key", async () => {
    const admin = await user("admin");
    const before: number = await getSetting(db, "tutor.free_daily_messages");
    expect(before).toBe(5);
    await updatePlatformSetting(db, "tutor.free_daily_messages", 20, meta(admin.id));
    expect(await getSetting(db, "tutor.free_daily_messages")).toBe(20);
    const lang: "fr" | "en" = await getSetting(db, "platform.default_language");
    expect(lang).toBe("fr");
  });

  it("checks values in the domain too, naming the field", async () => {
    const admin = await user("admin");
    await expect(updatePlatformSetting(db, "marketplace.commission_pct", 150, meta(admin.id))).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      fieldErrors: [expect.objectContaining({ field: "value" })],
    });
    await expect(updatePlatformSetting(db, "nope", 1, meta(admin.id))).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await db.platformSetting.count()).toBe(0);
  });
});
