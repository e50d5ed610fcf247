import { createMailer, createUsageRecorder, login, redisSessionDenylist } from "@sira/domain";
import { createLogger, createRedis } from "@sira/infra";
import { parseConfig } from "@sira/infra/config";
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { generate } from "otplib";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  DEMO_COURSES,
  DEMO_LEARNER_CREDITS,
  DEMO_TAXONOMY,
  DEMO_TOTP_SECRETS,
  DEMO_USERS,
  DemoSeedRefused,
  seedDemo,
} from "../src/index.ts";

const db = createDb({ url: process.env.DATABASE_URL as string });
const config = parseConfig(process.env);
beforeEach(() => truncateAll(process.env.DATABASE_URL as string));
const redis = createRedis(process.env.REDIS_URL);
afterAll(async () => {
  redis.disconnect();
  await db.$disconnect();
});

async function counts() {
  const [users, courses, modules, units, taxonomy, links, curricula, packages, settings, enrollments, transactions] =
    await Promise.all([
      db.user.count(),
      db.course.count(),
      db.module.count(),
      db.moduleUnit.count(),
      db.taxonomyCategory.count(),
      db.courseTaxonomy.count(),
      db.curriculumCourse.count(),
      db.creditPackage.count(),
      db.platformSetting.count(),
      db.userCourseEnrollment.count(),
      db.transaction.count(),
    ]);
  return { users, courses, modules, units, taxonomy, links, curricula, packages, settings, enrollments, transactions };
}

describe("the demo seed", () => {
  it("refuses to run in production, where its published TOTP secrets would open real accounts", async () => {
    const production = { ...config, NODE_ENV: "production" as const };
    await expect(seedDemo(db, production)).rejects.toBeInstanceOf(DemoSeedRefused);
    expect(await counts()).toMatchObject({ users: 0, courses: 0, transactions: 0 });
  });

  it("loads a bilingual catalogue: a free and a paid published course, a curriculum, an admin and a learner", async () => {
    const { adminId, learnerId, courseIds, curriculumId } = await seedDemo(db, config);

    const courses = await db.course.findMany({ orderBy: { priceCredits: "asc" }, include: { modules: true } });
    expect(courses.map((c) => c.priceCredits)).toEqual([0, 500]);
    for (const c of courses) {
      expect(c.status).toBe("published");
      expect(c.titleFr).not.toBe(c.titleEn);
      expect(c.descriptionFr && c.descriptionEn).toBeTruthy();
      expect(c.moduleCount).toBe(c.modules.length);
    }
    const path = await db.curriculumCourse.findMany({ where: { curriculumId }, orderBy: { sortOrder: "asc" } });
    expect(path.map((p) => p.courseId)).toEqual(DEMO_COURSES.map((c) => courseIds[c.slug]));

    const admin = await db.user.findUniqueOrThrow({ where: { id: adminId } });
    const learner = await db.user.findUniqueOrThrow({ where: { id: learnerId } });
    expect([admin.role, learner.role]).toEqual(["admin", "learner"]);

    const account = await db.creditAccount.findUniqueOrThrow({ where: { userId: learnerId } });
    const ledger = await db.transaction.aggregate({ where: { accountId: account.id }, _sum: { amount: true } });
    expect(account.balance).toBe(BigInt(DEMO_LEARNER_CREDITS));
    expect(ledger._sum.amount).toBe(account.balance);
  });

  it("duplicates nothing and grants credits once when run again", async () => {
    const seeded = await seedDemo(db, config);
    expect(seeded.codes.map((c) => c.kind).sort()).toEqual([
      ...Array(5).fill("credits"),
      ...Array(5).fill("subscription"),
    ]);
    const first = await counts();
    const again = await seedDemo(db, config);
    expect(again.codes).toEqual([]);
    expect(await counts()).toEqual(first);
    expect(await db.activationCode.count()).toBe(10);
    expect(await db.subscriptionPlan.count()).toBe(2);
    expect(first.taxonomy).toBe(DEMO_TAXONOMY.length);
    // One posting: the learner's credits and the platform's matching row.
    expect(first.transactions).toBe(2);
  });
});

describe("the demo accounts", () => {
  it("sign in with the documented authenticator secrets", async () => {
    await seedDemo(db, config);
    const logger = createLogger("test", "silent");
    const env = {
      db,
      config,
      logger,
      mailer: createMailer({ config, db, logger }),
      denylist: redisSessionDenylist(redis, config, logger, db),
      meta: { ip: "127.0.0.1", userAgent: "vitest", requestId: null, now: new Date() },
      usage: createUsageRecorder(db, logger, config),
    };
    for (const [email, secret] of Object.entries(DEMO_TOTP_SECRETS)) {
      const pair = await login(env, { email, code: await generate({ secret }) });
      const account = Object.values(DEMO_USERS).find((u) => u.email === email);
      expect(pair.user.role).toBe(account?.role);
    }
    await env.usage.close();
  });
});
