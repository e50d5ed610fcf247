/**
 * A course code whose course is not open (a draft, an archived course) is refused with 409
 * COURSE_NOT_OPEN and keeps its use; an open one enrolls the learner in the redemption. A course
 * archived while a redemption runs either waits for it (the learner is enrolled and keeps the
 * course) or goes first (the code stays unused): a raw connection holds the course row so the
 * archive, then the redemption, wait on it in that order.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { withHeldLock } from "../held-lock.ts";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { type MoneyWorld, moneyWorld } from "./world.ts";

const { app, deps } = testApp({ DATABASE_POOL_MAX: "8" });
const send = jsonSender(app, "code-course-open");
let world: MoneyWorld;
let learner: SignedIn;

beforeEach(async () => {
  await resetState();
  world = await moneyWorld(deps, send);
  learner = await signIn(deps, { role: "learner" });
});
afterAll(closeTestDeps);

/** A paid course in `status` and one single-use code for it, made by the admin. */
async function courseWithCode(status: "draft" | "published") {
  const { courseId } = await makeCourse(deps.db, { status });
  await deps.db.course.update({ where: { id: courseId }, data: { priceCredits: 500 } });
  const res = await send(world.admin, "POST", "/api/v1/admin/activation-codes/batches", {
    label: "Lancement",
    kind: "course",
    course_id: courseId,
    count: 1,
  });
  expect(res.status).toBe(201);
  const code = ((await res.json()) as { codes: { code: string }[] }).codes[0]?.code as string;
  return { courseId, code };
}

const redeem = (code: string) => send(learner, "POST", "/api/v1/activation-codes/redeem", { code });

async function usesTaken(courseId: string) {
  const code = await deps.db.activationCode.findFirstOrThrow({ where: { courseId } });
  const redemptions = await deps.db.activationCodeRedemption.count({ where: { codeId: code.id } });
  return { count: code.redeemedCount, redemptions };
}

const enrollmentOf = (courseId: string) =>
  deps.db.userCourseEnrollment.findUnique({ where: { userId_courseId: { userId: learner.userId, courseId } } });

describe("a course code", () => {
  it("is refused for a draft or archived course without taking its use, and works once the course opens", async () => {
    const { courseId, code } = await courseWithCode("draft");
    const refused = await redeem(code);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: "COURSE_NOT_OPEN" });
    expect(await usesTaken(courseId)).toEqual({ count: 0, redemptions: 0 });

    expect((await send(world.admin, "POST", `/api/v1/admin/courses/${courseId}/publish`, {})).status).toBe(200);
    const redeemed = await redeem(code);
    expect(redeemed.status).toBe(200);
    expect(await redeemed.json()).toMatchObject({ kind: "course", course_ids: [courseId] });
    expect(await usesTaken(courseId)).toEqual({ count: 1, redemptions: 1 });
    expect(await enrollmentOf(courseId)).toMatchObject({ status: "active" });

    const archived = await courseWithCode("published");
    expect((await send(world.admin, "POST", `/api/v1/admin/courses/${archived.courseId}/archive`, {})).status).toBe(
      200,
    );
    const again = await redeem(archived.code);
    expect([again.status, ((await again.json()) as { code: string }).code]).toEqual([409, "COURSE_NOT_OPEN"]);
    expect(await usesTaken(archived.courseId)).toEqual({ count: 0, redemptions: 0 });
  });

  it("keeps its use when the course is archived while it is being redeemed", async () => {
    const { courseId, code } = await courseWithCode("published");
    const [archived, redeemed] = await withHeldLock(
      "SELECT 1 FROM courses WHERE id = $1 FOR UPDATE",
      [courseId],
      async (held) => {
        const archiving = send(world.admin, "POST", `/api/v1/admin/courses/${courseId}/archive`, {});
        await held.waiters(1);
        // The redemption reaches the course after the archive: it must wait for it, not read past it.
        const redeeming = redeem(code);
        await held.waiters(2);
        await held.release();
        return Promise.all([archiving, redeeming]);
      },
    );
    expect(archived.status).toBe(200);
    expect([redeemed.status, ((await redeemed.json()) as { code: string }).code]).toEqual([409, "COURSE_NOT_OPEN"]);
    expect(await usesTaken(courseId)).toEqual({ count: 0, redemptions: 0 });
    expect(await enrollmentOf(courseId)).toBeNull();
  });

  it("enrolls the learner for good when the archive comes after the redemption", async () => {
    const { courseId, code } = await courseWithCode("published");
    const [redeemed, archived] = await withHeldLock(
      "SELECT 1 FROM courses WHERE id = $1 FOR UPDATE",
      [courseId],
      async (held) => {
        const redeeming = redeem(code);
        await held.waiters(1);
        const archiving = send(world.admin, "POST", `/api/v1/admin/courses/${courseId}/archive`, {});
        await held.waiters(2);
        await held.release();
        return Promise.all([redeeming, archiving]);
      },
    );
    expect([redeemed.status, archived.status]).toEqual([200, 200]);
    expect(await usesTaken(courseId)).toEqual({ count: 1, redemptions: 1 });
    expect(await enrollmentOf(courseId)).toMatchObject({ status: "active" });
    // Archiving never takes away what a learner had.
    expect((await send(learner, "GET", `/api/v1/courses/${courseId}`)).status).toBe(200);
  });
});
