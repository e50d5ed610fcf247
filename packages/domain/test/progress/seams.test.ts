/**
 * The progress seams on the real database: unit start/complete (idempotent, replays), module
 * completion and quiz average, the unlock rule (80/80, null never passes, prerequisites, tested
 * out), enrollment completion, staff never locked, and concurrent completions.
 */
import type { AppError } from "@sira/contracts";
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { Viewer } from "../../src/access/actor.ts";
import { assertModuleUnlocked } from "../../src/access/module-lock.ts";
import {
  listCourseModules,
  markModulesKnown,
  markUnitCompleted,
  markUnitStarted,
  recordModuleQuizResult,
} from "../../src/learning/progress/index.ts";
import { makeUser } from "../fixtures/users.ts";
import { enrollIn, makeProgressCourse, type ProgressCourse } from "./fixtures.ts";

const db = createDb({ url: process.env.DATABASE_URL as string, poolMax: 8 });
beforeEach(() => truncateAll(process.env.DATABASE_URL as string));
afterAll(() => db.$disconnect());

const t0 = new Date("2026-03-02T09:00:00Z");
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

async function lockCode(userId: string, moduleId: string, role: "learner" | "expert" | "admin" = "learner") {
  try {
    await assertModuleUnlocked(db, { userId, role }, moduleId);
    return null;
  } catch (e) {
    return (e as AppError).code;
  }
}

const moduleRow = (userId: string, moduleId: string) =>
  db.userModuleProgress.findUnique({ where: { userId_moduleId: { userId, moduleId } } });

async function completeLessons(userId: string, course: ProgressCourse, index: number, count: number) {
  const m = course.modules[index];
  if (!m) throw new Error("no such module");
  for (const unitId of m.lessons.slice(0, count)) await markUnitCompleted(db, { userId, unitId, at: later(1) });
}

describe("unit progress", () => {
  let course: ProgressCourse;
  let userId: string;
  beforeEach(async () => {
    course = await makeProgressCourse(db);
    userId = await makeUser(db);
    await enrollIn(db, userId, course.courseId);
  });

  it("starts a unit once (earliest start kept) and marks the module in progress", async () => {
    const unitId = course.modules[0]?.lessons[0] as string;
    await markUnitStarted(db, { userId, unitId, at: later(10) });
    await markUnitStarted(db, { userId, unitId, at: later(5) });
    await markUnitStarted(db, { userId, unitId, at: later(20) });
    const unit = await db.userUnitProgress.findUniqueOrThrow({ where: { userId_unitId: { userId, unitId } } });
    expect(unit.status).toBe("in_progress");
    expect(unit.startedAt.toISOString()).toBe(later(5).toISOString());
    const mod = await moduleRow(userId, course.modules[0]?.id as string);
    expect(mod).toMatchObject({ status: "in_progress", completionPct: 0, quizScoreAvg: null, lastUnitId: unitId });
    expect(mod?.startedAt?.toISOString()).toBe(later(5).toISOString());
  });

  it("completes idempotently: a second completion changes nothing, time keeps the largest total", async () => {
    const unitId = course.modules[0]?.lessons[0] as string;
    await markUnitCompleted(db, { userId, unitId, at: later(3), timeSpentSeconds: 300 });
    const first = await db.userUnitProgress.findUniqueOrThrow({ where: { userId_unitId: { userId, unitId } } });
    const enrollment1 = await db.userCourseEnrollment.findUniqueOrThrow({
      where: { userId_courseId: { userId, courseId: course.courseId } },
    });
    await markUnitCompleted(db, { userId, unitId, at: later(9), timeSpentSeconds: 120 });
    const second = await db.userUnitProgress.findUniqueOrThrow({ where: { userId_unitId: { userId, unitId } } });
    expect(second).toEqual(first);
    expect(second.completedAt?.toISOString()).toBe(later(3).toISOString());
    expect(second.timeSpentSeconds).toBe(300);
    const mod = await moduleRow(userId, course.modules[0]?.id as string);
    expect(mod?.completionPct).toBe(20);
    expect(mod?.timeSpentSeconds).toBe(300);
    const enrollment2 = await db.userCourseEnrollment.findUniqueOrThrow({
      where: { userId_courseId: { userId, courseId: course.courseId } },
    });
    // Mean of module completion over the three modules: (20 + 0 + 0) / 3.
    expect(enrollment2.completionPct).toBeCloseTo(6.67, 2);
    expect(enrollment1.completionPct).toBe(enrollment2.completionPct);
  });

  it("applies concurrent completions of one module one after the other (none lost)", async () => {
    const m = course.modules[0];
    await Promise.all((m?.lessons ?? []).map((unitId, i) => markUnitCompleted(db, { userId, unitId, at: later(i) })));
    expect((await moduleRow(userId, m?.id as string))?.completionPct).toBe(80);
  });

  it("works inside the caller's transaction and rolls back with it", async () => {
    const unitId = course.modules[0]?.lessons[0] as string;
    await expect(
      db.$transaction(async (tx) => {
        await markUnitCompleted(tx, { userId, unitId, at: later(1) });
        throw new Error("caller failed");
      }),
    ).rejects.toThrow("caller failed");
    expect(await db.userUnitProgress.count()).toBe(0);
    expect(await db.userModuleProgress.count()).toBe(0);
  });

  it("404s an unknown unit", async () => {
    await expect(markUnitCompleted(db, { userId, unitId: crypto.randomUUID(), at: t0 })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("unlock rule", () => {
  let course: ProgressCourse;
  let userId: string;
  beforeEach(async () => {
    course = await makeProgressCourse(db);
    userId = await makeUser(db);
    await enrollIn(db, userId, course.courseId);
  });
  const mod = (i: number) => course.modules[i]?.id as string;

  it("opens module 1 only; module 2 needs completion >= 80 and quiz average >= 80", async () => {
    expect(await lockCode(userId, mod(0))).toBeNull();
    expect(await lockCode(userId, mod(1))).toBe("MODULE_LOCKED");
    await completeLessons(userId, course, 0, 4);
    // 80 % done but no quiz yet: a missing average never passes.
    expect((await moduleRow(userId, mod(0)))?.completionPct).toBe(80);
    expect(await lockCode(userId, mod(1))).toBe("MODULE_LOCKED");
    await recordModuleQuizResult(db, { userId, moduleId: mod(0), unitId: null, score: 79, at: later(30) });
    const row = await moduleRow(userId, mod(0));
    expect(row).toMatchObject({ completionPct: 100, quizScoreAvg: 79, status: "in_progress" });
    expect(await lockCode(userId, mod(1))).toBe("MODULE_LOCKED");
    expect(await moduleRow(userId, mod(1))).toBeNull();
    await recordModuleQuizResult(db, { userId, moduleId: mod(0), unitId: null, score: 80, at: later(40) });
    expect(await lockCode(userId, mod(1))).toBeNull();
    expect(await moduleRow(userId, mod(0))).toMatchObject({ quizScoreAvg: 80, status: "completed" });
    // The unlock is stored, so delta sync sees it; module 3 stays locked and gets no row.
    expect((await moduleRow(userId, mod(1)))?.status).toBe("available");
    expect(await moduleRow(userId, mod(2))).toBeNull();
    expect(await lockCode(userId, mod(2))).toBe("MODULE_LOCKED");
  });

  it("keeps the best quiz score: a worse later attempt does not relock", async () => {
    await completeLessons(userId, course, 0, 4);
    await recordModuleQuizResult(db, {
      userId,
      moduleId: mod(0),
      unitId: course.modules[0]?.quiz ?? null,
      score: 90,
      at: later(5),
    });
    await recordModuleQuizResult(db, { userId, moduleId: mod(0), unitId: null, score: 40, at: later(6) });
    expect((await moduleRow(userId, mod(0)))?.quizScoreAvg).toBe(90);
    expect(await lockCode(userId, mod(1))).toBeNull();
  });

  it("needs 80 % of units even with a perfect quiz", async () => {
    await completeLessons(userId, course, 0, 2);
    await recordModuleQuizResult(db, { userId, moduleId: mod(0), unitId: null, score: 100, at: later(5) });
    // 2 lessons + the quiz unit = 3 of 5.
    expect((await moduleRow(userId, mod(0)))?.completionPct).toBe(60);
    expect(await lockCode(userId, mod(1))).toBe("MODULE_LOCKED");
  });

  it("averages every quiz unit (one not taken counts 0) and uses the module quiz for modules without quiz units", async () => {
    const c = await makeProgressCourse(db, {
      shape: [
        { lessons: 1, quiz: false },
        { lessons: 1, quiz: false },
      ],
    });
    await enrollIn(db, userId, c.courseId);
    const [m1, m2] = c.modules;
    await markUnitCompleted(db, { userId, unitId: m1?.lessons[0] as string, at: later(1) });
    expect(await lockCode(userId, m2?.id as string)).toBe("MODULE_LOCKED");
    await recordModuleQuizResult(db, { userId, moduleId: m1?.id as string, unitId: null, score: 85, at: later(2) });
    await recordModuleQuizResult(db, { userId, moduleId: m1?.id as string, unitId: null, score: 70, at: later(3) });
    expect((await moduleRow(userId, m1?.id as string))?.quizScoreAvg).toBe(85);
    expect(await lockCode(userId, m2?.id as string)).toBeNull();
    // Another quiz unit appears: untaken, it counts 0 and the average halves.
    const extra = await db.moduleUnit.create({
      data: { moduleId: m1?.id as string, unitNumber: 9, unitType: "quiz", titleFr: "Quiz 2", titleEn: "Quiz 2" },
    });
    const firstQuiz = await db.moduleUnit.create({
      data: { moduleId: m1?.id as string, unitNumber: 8, unitType: "quiz", titleFr: "Quiz 1", titleEn: "Quiz 1" },
    });
    await recordModuleQuizResult(db, {
      userId,
      moduleId: m1?.id as string,
      unitId: firstQuiz.id,
      score: 90,
      at: later(4),
    });
    expect((await moduleRow(userId, m1?.id as string))?.quizScoreAvg).toBe(45);
    expect(await lockCode(userId, m2?.id as string)).toBe("MODULE_LOCKED");
    await recordModuleQuizResult(db, { userId, moduleId: m1?.id as string, unitId: extra.id, score: 70, at: later(5) });
    expect((await moduleRow(userId, m1?.id as string))?.quizScoreAvg).toBe(80);
  });

  it("honours prereq_modules: all must be passed", async () => {
    await db.module.update({ where: { id: mod(2) }, data: { prereqModules: [mod(0)] } });
    await completeLessons(userId, course, 0, 4);
    await recordModuleQuizResult(db, { userId, moduleId: mod(0), unitId: null, score: 95, at: later(5) });
    expect(await lockCode(userId, mod(1))).toBeNull();
    expect(await lockCode(userId, mod(2))).toBe("MODULE_LOCKED"); // module 2 not passed yet
    await completeLessons(userId, course, 1, 4);
    await recordModuleQuizResult(db, { userId, moduleId: mod(1), unitId: null, score: 95, at: later(6) });
    expect(await lockCode(userId, mod(2))).toBeNull();
    // A prerequisite in another course that is not passed locks it again.
    const other = await makeProgressCourse(db, { shape: [{ lessons: 1, quiz: true }] });
    await db.module.update({
      where: { id: mod(2) },
      data: { prereqModules: [mod(0), other.modules[0]?.id as string] },
    });
    expect(await lockCode(userId, mod(2))).toBe("MODULE_LOCKED");
  });

  it("lists modules locked and open as the lock check finds them, a passed prerequisite in another course included", async () => {
    const other = await makeProgressCourse(db, { shape: [{ lessons: 1, quiz: true }] });
    const outside = other.modules[0];
    await db.module.update({ where: { id: mod(1) }, data: { prereqModules: [outside?.id as string] } });
    await completeLessons(userId, course, 0, 4);
    await recordModuleQuizResult(db, { userId, moduleId: mod(0), unitId: null, score: 95, at: later(5) });
    const locks = async (viewer: Viewer) => {
      const list = await listCourseModules(db, { viewer, language: "fr" }, course.courseId, { page: 1, limit: 50 });
      return list.items.map((m) => [m.locked, m.status, m.blocked_by]);
    };
    const learner: Viewer = { userId, role: "learner" };
    expect((await locks(learner))[1]).toEqual([true, "locked", [outside?.id]]);
    expect(await lockCode(userId, mod(1))).toBe("MODULE_LOCKED");
    await markUnitCompleted(db, { userId, unitId: outside?.lessons[0] as string, at: later(6) });
    await recordModuleQuizResult(db, {
      userId,
      moduleId: outside?.id as string,
      unitId: null,
      score: 90,
      at: later(7),
    });
    expect((await locks(learner))[1]).toEqual([false, "available", []]);
    expect(await lockCode(userId, mod(1))).toBeNull();
    // The course's own expert is staff: every module open, even without an enrollment.
    const owner = await makeUser(db, "expert");
    await db.course.update({ where: { id: course.courseId }, data: { expertId: owner } });
    const staff = await locks({ userId: owner, role: "expert" });
    expect(staff.every(([locked, status]) => locked === false && status !== "locked")).toBe(true);
  });

  it("counts modules marked known by a pre-assessment as passed, and they open themselves", async () => {
    await markModulesKnown(db, { userId, moduleIds: [mod(1)], at: later(1) });
    expect(await lockCode(userId, mod(1))).toBeNull();
    expect(await lockCode(userId, mod(2))).toBeNull();
    const row = await moduleRow(userId, mod(1));
    expect(row?.status).toBe("completed");
    expect(row?.testedOutAt?.toISOString()).toBe(later(1).toISOString());
    await markModulesKnown(db, { userId, moduleIds: [mod(1)], at: later(9) });
    expect((await moduleRow(userId, mod(1)))?.testedOutAt?.toISOString()).toBe(later(1).toISOString());
    const enrollment = await db.userCourseEnrollment.findUniqueOrThrow({
      where: { userId_courseId: { userId, courseId: course.courseId } },
    });
    expect(enrollment.completionPct).toBeCloseTo(33.33, 2);
  });

  it("never locks admins or the course's expert; other experts are locked like learners", async () => {
    const admin = await makeUser(db, "admin");
    const owner = await makeUser(db, "expert");
    const stranger = await makeUser(db, "expert");
    await db.course.update({ where: { id: course.courseId }, data: { expertId: owner } });
    expect(await lockCode(admin, mod(2), "admin")).toBeNull();
    expect(await lockCode(owner, mod(2), "expert")).toBeNull();
    expect(await lockCode(stranger, mod(2), "expert")).toBe("MODULE_LOCKED");
    expect(await lockCode(userId, crypto.randomUUID())).toBe("NOT_FOUND");
  });
});

describe("enrollment completion", () => {
  it("is the mean of module completion and completes the enrollment at 100", async () => {
    const course = await makeProgressCourse(db, {
      shape: [
        { lessons: 1, quiz: true },
        { lessons: 1, quiz: true },
      ],
    });
    const userId = await makeUser(db);
    await enrollIn(db, userId, course.courseId);
    const [m1, m2] = course.modules;
    await markUnitCompleted(db, { userId, unitId: m1?.lessons[0] as string, at: later(1) });
    await recordModuleQuizResult(db, { userId, moduleId: m1?.id as string, unitId: null, score: 100, at: later(2) });
    let e = await db.userCourseEnrollment.findUniqueOrThrow({
      where: { userId_courseId: { userId, courseId: course.courseId } },
    });
    expect(e).toMatchObject({ completionPct: 50, status: "active", completedAt: null });
    await markUnitCompleted(db, { userId, unitId: m2?.lessons[0] as string, at: later(3) });
    await recordModuleQuizResult(db, {
      userId,
      moduleId: m2?.id as string,
      unitId: m2?.quiz ?? null,
      score: 80,
      at: later(4),
    });
    e = await db.userCourseEnrollment.findUniqueOrThrow({
      where: { userId_courseId: { userId, courseId: course.courseId } },
    });
    expect(e).toMatchObject({ completionPct: 100, status: "completed" });
    expect(e.completedAt?.toISOString()).toBe(later(4).toISOString());
  });
});
