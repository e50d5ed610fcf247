/**
 * `pnpm seed:demo`: loads the demo catalogue, an admin and a learner. Every write is an upsert on
 * a natural key, so running it again changes nothing and duplicates nothing.
 */
import { type AuthKeys, authKeys, generateActivationCodes, post, sealSecret } from "@sira/domain";
import { type Config, usesDevelopmentDefaults } from "@sira/infra/config";
import type { Db, Prisma, Transaction } from "@sira/infra/db";
import {
  DEMO_CODE_BATCHES,
  DEMO_COURSES,
  DEMO_CREDIT_PACKAGES,
  DEMO_CURRICULUM,
  DEMO_LEARNER_CREDITS,
  DEMO_SETTINGS,
  DEMO_SUBSCRIPTION_PLANS,
  DEMO_TAXONOMY,
  DEMO_TOTP_SECRETS,
  DEMO_USERS,
  type DemoCourse,
} from "./content.ts";

export interface DemoSeedResult {
  adminId: string;
  learnerId: string;
  courseIds: Record<string, string>;
  curriculumId: string;
  /** The demo's printable activation codes, shown only by the run that created them (else empty). */
  codes: { kind: string; code: string }[];
}

async function upsertUser(
  tx: Transaction,
  keys: AuthKeys,
  user: (typeof DEMO_USERS)[keyof typeof DEMO_USERS],
): Promise<string> {
  const { email, ...profile } = user;
  // The demo addresses are the seed's own, so they count as verified (decision 0032).
  const row = await tx.user.upsert({
    where: { email },
    create: { email, ...profile, status: "active", emailVerifiedAt: new Date() },
    update: {},
    select: { id: true },
  });
  await tx.user.updateMany({ where: { id: row.id, emailVerifiedAt: null }, data: { emailVerifiedAt: new Date() } });
  const secret = DEMO_TOTP_SECRETS[email];
  if (secret && !(await tx.totpCredential.findUnique({ where: { userId: row.id } }))) {
    const sealed = sealSecret(keys, secret, row.id);
    await tx.totpCredential.create({
      data: {
        userId: row.id,
        secretCiphertext: sealed.ciphertext,
        secretIv: sealed.iv,
        secretTag: sealed.tag,
        keyVersion: sealed.keyVersion,
        confirmedAt: new Date(),
      },
    });
  }
  return row.id;
}

async function upsertCourse(
  tx: Transaction,
  course: DemoCourse,
  ids: { adminId: string; expertId: string },
  taxonomy: Map<string, string>,
) {
  const data = {
    titleFr: course.titleFr,
    titleEn: course.titleEn,
    descriptionFr: course.descriptionFr,
    descriptionEn: course.descriptionEn,
    estimatedHours: course.estimatedHours,
    priceCredits: course.priceCredits,
    isMarketplace: course.marketplace ?? false,
    expertId: course.marketplace ? ids.expertId : null,
    moduleCount: course.modules.length,
    status: "published",
    visibility: "public",
    creationStep: "published",
  };
  const row = await tx.course.upsert({
    where: { slug: course.slug },
    create: { slug: course.slug, ...data, createdById: ids.adminId, publishedAt: new Date() },
    update: {},
    select: { id: true },
  });
  await tx.courseTaxonomy.createMany({
    data: course.taxonomy.map((slug) => ({ courseId: row.id, categoryId: taxonomy.get(slug) as string })),
    skipDuplicates: true,
  });
  for (const [index, m] of course.modules.entries()) {
    const moduleNumber = index + 1;
    const moduleRow = await tx.module.upsert({
      where: { courseId_moduleNumber: { courseId: row.id, moduleNumber } },
      create: {
        courseId: row.id,
        moduleNumber,
        level: m.level,
        titleFr: m.titleFr,
        titleEn: m.titleEn,
        descriptionFr: m.descriptionFr,
        descriptionEn: m.descriptionEn,
        estimatedHours: m.hours,
        bloomLevel: m.bloom,
        objectivesFr: m.objectivesFr,
        objectivesEn: m.objectivesEn,
      },
      update: {},
      select: { id: true },
    });
    await tx.moduleUnit.createMany({
      data: m.units.map((u, i) => ({
        moduleId: moduleRow.id,
        unitNumber: i + 1,
        unitType: u.unitType,
        titleFr: u.titleFr,
        titleEn: u.titleEn,
        estimatedMinutes: u.minutes,
      })),
      skipDuplicates: true,
    });
  }
  return row.id;
}

/** Gives the learner starting credits once, as a ledger posting from the platform. */
async function grantWelcomeCredits(tx: Transaction, userId: string): Promise<void> {
  await post(tx, {
    key: "demo:welcome-credits",
    lines: [
      { account: { userId }, type: "adjustment", amount: DEMO_LEARNER_CREDITS, description: "Demo welcome credits" },
      { account: { counter: "platform" }, type: "adjustment", amount: -DEMO_LEARNER_CREDITS },
    ],
  });
}

/** Refuses outside development and test: the demo accounts' TOTP secrets are published. */
export class DemoSeedRefused extends Error {
  override name = "DemoSeedRefused";
}

/** Loads the demo data; safe to run any number of times. */
export async function seedDemo(db: Db, config: Config): Promise<DemoSeedResult> {
  if (!usesDevelopmentDefaults(config)) {
    throw new DemoSeedRefused(
      `demo data is for development and test only (NODE_ENV is ${config.NODE_ENV}): its admin's TOTP secret is public`,
    );
  }
  const keys = authKeys(config);
  const seeded = await db.$transaction(
    async (tx) => {
      await tx.taxonomyCategory.createMany({ data: [...DEMO_TAXONOMY], skipDuplicates: true });
      const categories = await tx.taxonomyCategory.findMany({
        where: { slug: { in: DEMO_TAXONOMY.map((t) => t.slug) } },
        select: { id: true, slug: true },
      });
      const taxonomy = new Map(categories.map((c) => [c.slug, c.id]));

      const adminId = await upsertUser(tx, keys, DEMO_USERS.admin);
      const learnerId = await upsertUser(tx, keys, DEMO_USERS.learner);
      const expertId = await upsertUser(tx, keys, DEMO_USERS.expert);

      const courseIds: Record<string, string> = {};
      for (const course of DEMO_COURSES)
        courseIds[course.slug] = await upsertCourse(tx, course, { adminId, expertId }, taxonomy);

      const curriculum = await tx.curriculum.upsert({
        where: { slug: DEMO_CURRICULUM.slug },
        create: {
          slug: DEMO_CURRICULUM.slug,
          titleFr: DEMO_CURRICULUM.titleFr,
          titleEn: DEMO_CURRICULUM.titleEn,
          descriptionFr: DEMO_CURRICULUM.descriptionFr,
          descriptionEn: DEMO_CURRICULUM.descriptionEn,
          status: "published",
          visibility: "public",
          createdById: adminId,
          publishedAt: new Date(),
        },
        update: {},
        select: { id: true },
      });
      await tx.curriculumCourse.createMany({
        data: DEMO_CURRICULUM.courses.map((slug, i) => ({
          curriculumId: curriculum.id,
          courseId: courseIds[slug] as string,
          sortOrder: i + 1,
        })),
        skipDuplicates: true,
      });

      await tx.creditPackage.createMany({
        data: DEMO_CREDIT_PACKAGES.map((p, i) => ({ ...p, currency: "XOF", sortOrder: i + 1 })),
        skipDuplicates: true,
      });
      await tx.subscriptionPlan.createMany({
        data: DEMO_SUBSCRIPTION_PLANS.map((p, i) => ({ ...p, currency: "XOF", sortOrder: i + 1 })),
        skipDuplicates: true,
      });
      await tx.platformSetting.createMany({
        data: Object.entries(DEMO_SETTINGS).map(([key, value]) => ({ key, value: value as Prisma.InputJsonValue })),
        skipDuplicates: true,
      });

      const freeCourse = DEMO_COURSES.find((c) => c.priceCredits === 0);
      if (freeCourse) {
        await tx.userCourseEnrollment.createMany({
          data: [{ userId: learnerId, courseId: courseIds[freeCourse.slug] as string, status: "active" }],
          skipDuplicates: true,
        });
      }
      await grantWelcomeCredits(tx, learnerId);

      return { adminId, learnerId, courseIds, curriculumId: curriculum.id };
    },
    { timeout: 30_000 },
  );
  return { ...seeded, codes: await seedDemoCodes(db, keys, seeded.adminId) };
}

/**
 * The demo's code batches (credits and a month of the plan), generated once as an admin would;
 * codes are stored as keyed hashes only, so only this first run can show them.
 */
async function seedDemoCodes(db: Db, keys: AuthKeys, adminId: string): Promise<DemoSeedResult["codes"]> {
  const codes: DemoSeedResult["codes"] = [];
  for (const batch of DEMO_CODE_BATCHES) {
    if (await db.activationCode.count({ where: { batchLabel: batch.label } })) continue;
    const generated = await generateActivationCodes({ db, pepper: keys.pepper }, batch, {
      actorId: adminId,
      requestId: null,
      ip: null,
      now: new Date(),
    });
    codes.push(...generated.codes.map((c) => ({ kind: batch.kind, code: c.code })));
  }
  return codes;
}
