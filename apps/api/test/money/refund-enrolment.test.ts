/**
 * A refund racing a re-enrolment: the learner who left a paid course enrols again while an admin
 * refunds it. Whatever the order, a refunded course ends with the enrolment dropped. A raw
 * connection holds the enrolment row so the re-enrolment has checked the purchase and waits to
 * write when the refund starts.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { withHeldLock } from "../held-lock.ts";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { buyCredits, type MoneyWorld, moneyWorld } from "./world.ts";

const { app, deps } = testApp({ DATABASE_POOL_MAX: "8" });
const send = jsonSender(app, "refund-race");
let world: MoneyWorld;
let learner: SignedIn;
let courseId: string;

beforeEach(async () => {
  await resetState();
  world = await moneyWorld(deps, send);
  learner = await signIn(deps, { role: "learner" });
  const expert = await signIn(deps, { role: "expert" });
  courseId = (await makeCourse(deps.db, { expertId: expert.userId })).courseId;
  await deps.db.course.update({ where: { id: courseId }, data: { priceCredits: 500, isMarketplace: true } });
  await buyCredits(deps, send, learner, world.packageId);
  expect((await send(learner, "POST", `/api/v1/courses/${courseId}/purchase`, {})).status).toBe(200);
  expect((await send(learner, "POST", `/api/v1/courses/${courseId}/unenroll`, {})).status).toBe(200);
});
afterAll(closeTestDeps);

describe("a refund racing a re-enrolment", () => {
  it("leaves the refunded course dropped when the enrolment checked the purchase before the refund", async () => {
    const purchase = await deps.db.transaction.findFirstOrThrow({
      where: { courseId, type: "course_purchase", amount: { lt: 0 } },
    });
    await withHeldLock(
      "SELECT 1 FROM user_course_enrollment WHERE user_id = $1 AND course_id = $2 FOR UPDATE",
      [learner.userId, courseId],
      async (held) => {
        const enrolling = send(learner, "POST", `/api/v1/courses/${courseId}/enroll`, {});
        // The enrolment has found the purchase live and waits to reactivate the row.
        await held.waiters(1);
        let refundDone = false;
        const refunding = Promise.resolve(
          send(world.admin, "POST", `/api/v1/admin/purchases/${purchase.postingId}/refund`, {}),
        ).finally(() => {
          refundDone = true;
        });
        // The refund either finishes or waits behind the enrolment: both are orders the product may take.
        await held.waiters(2, () => refundDone);
        await held.release();
        const [enrolled, refunded] = await Promise.all([enrolling, refunding]);
        expect(refunded.status).toBe(200);
        expect(enrolled.status).toBe(200);
      },
    );
    const enrollment = await deps.db.userCourseEnrollment.findUniqueOrThrow({
      where: { userId_courseId: { userId: learner.userId, courseId } },
    });
    expect(enrollment.status).toBe("dropped");
    const balance = (await (await send(learner, "GET", "/api/v1/credits/balance")).json()) as { balance: number };
    expect(balance.balance).toBe(1100);
    expect((await send(learner, "POST", `/api/v1/courses/${courseId}/enroll`, {})).status).toBe(402);
  });
});
