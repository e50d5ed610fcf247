/**
 * Back-office course rules on the real database: slugs (folding, uniqueness, concurrent creation),
 * what blocks publishing, and archived courses staying readable to enrolled learners.
 */
import { COURSE_SLUG_PATTERN } from "@sira/contracts";
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { catalogCourses, readableCourses } from "../src/access/readable.ts";
import { archiveAdminCourse, createAdminCourse } from "../src/admin/courses/index.ts";
import { publishBlockers } from "../src/admin/courses/publishable.ts";
import { slugify, uniqueCourseSlug } from "../src/admin/courses/slug.ts";
import { makeUser } from "./fixtures/users.ts";

const db = createDb({ url: process.env.DATABASE_URL as string });
beforeEach(() => truncateAll(process.env.DATABASE_URL as string));
afterAll(() => db.$disconnect());

const meta = { requestId: "domain-test-0001", ip: "127.0.0.1", now: new Date() };

describe("slugify", () => {
  const cases: [string, string][] = [
    ["Santé publique", "sante-publique"],
    ["L'épidémiologie de terrain", "l-epidemiologie-de-terrain"],
    ["Cœur & poumons : les bases", "coeur-poumons-les-bases"],
    ["ÇA VA ÊTRE ÉNORME", "ca-va-etre-enorme"],
    ["  --Déjà vu !!  ", "deja-vu"],
    ["Niveau 2 — Ña, Æsir, Straße", "niveau-2-na-aesir-strasse"],
    ["日本語", "cours"],
    ["", "cours"],
    ["!!!", "cours"],
    ["Taxonomy", "taxonomy-cours"],
    ["My enrollments", "my-enrollments-cours"],
  ];
  for (const [title, slug] of cases) {
    it(`"${title}" → "${slug}"`, () => {
      expect(slugify(title)).toBe(slug);
    });
  }

  it("always satisfies the database's slug CHECK and stays under 100 characters", () => {
    // A deterministic spread of titles mixing accents, punctuation, digits and spaces.
    const alphabet = "aàâäéèêëîïôöùûüçœæ AZ-_'’.,;:!?/\\09ÀÉÈÇ🙂漢";
    let seed = 42;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    for (let i = 0; i < 500; i += 1) {
      const length = next() % 160;
      const title = Array.from({ length }, () => alphabet[next() % alphabet.length]).join("");
      const slug = slugify(title);
      expect(slug).toMatch(COURSE_SLUG_PATTERN);
      expect(slug.length).toBeLessThanOrEqual(100);
    }
  });
});

describe("uniqueCourseSlug", () => {
  it("returns the base when free, else the first free -n suffix", async () => {
    expect(await uniqueCourseSlug(db, "sante")).toBe("sante");
    await db.course.createMany({
      data: ["sante", "sante-2", "sante-4", "sante-publique"].map((slug) => ({ slug, titleFr: slug, titleEn: slug })),
    });
    expect(await uniqueCourseSlug(db, "sante")).toBe("sante-3");
    expect(await uniqueCourseSlug(db, "sante-publique")).toBe("sante-publique-2");
  });

  it("gives concurrent creations of one title distinct slugs", async () => {
    const admin = await makeUser(db, "admin");
    const viewer = { userId: admin, role: "admin" as const };
    const created = await Promise.all(
      [1, 2, 3].map(() => createAdminCourse(db, viewer, { title_fr: "Santé mentale" }, meta, "fr")),
    );
    expect(created.map((c) => c.slug).sort()).toEqual(["sante-mentale", "sante-mentale-2", "sante-mentale-3"]);
    expect(await db.auditLog.count({ where: { action: "course.created" } })).toBe(3);
  });
});

describe("publishBlockers", () => {
  const complete = { title_fr: "T", title_en: "T", description_fr: "D", description_en: "D", module_count: 1 };

  it("is empty for a complete course", () => {
    expect(publishBlockers(complete)).toEqual([]);
  });

  it("names blank or missing texts and a missing module, in a stable order", () => {
    const blockers = publishBlockers({ ...complete, title_fr: " ", description_en: null, module_count: 0 });
    expect(blockers.map((b) => b.field)).toEqual(["title_fr", "description_en", "modules"]);
    expect(blockers.map((b) => b.fr)).toEqual([
      "le titre en français",
      "la description en anglais",
      "au moins un module",
    ]);
  });
});

describe("archiving", () => {
  it("takes the course out of the catalog while enrolled learners can still open it", async () => {
    const admin = await makeUser(db, "admin");
    const enrolled = await makeUser(db, "learner");
    const stranger = await makeUser(db, "learner");
    const course = await db.course.create({
      data: { slug: "archive-moi", titleFr: "A", titleEn: "A", status: "published", publishedAt: new Date() },
    });
    await db.userCourseEnrollment.create({ data: { userId: enrolled, courseId: course.id } });
    await archiveAdminCourse(db, { userId: admin, role: "admin" }, course.id, meta, "fr");

    const visible = (where: object) => db.course.count({ where: { AND: [where, { id: course.id }] } });
    expect(await visible(catalogCourses({ userId: enrolled, role: "learner" }))).toBe(0);
    expect(await visible(readableCourses({ userId: enrolled, role: "learner" }))).toBe(1);
    expect(await visible(readableCourses({ userId: stranger, role: "learner" }))).toBe(0);
    const audit = await db.auditLog.findFirstOrThrow({ where: { targetId: course.id } });
    expect(audit).toMatchObject({ action: "course.archived", requestId: "domain-test-0001", ip: "127.0.0.1" });
  });
});
