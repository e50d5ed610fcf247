/**
 * Buying a paid course with credits, and an administrator's refund of it. A purchase is one
 * posting: the learner pays the price; on a marketplace course the expert earns their share and
 * the platform its commission (`marketplace.commission_pct`), otherwise the platform takes it all.
 * The enrollment is written in the same transaction. A refund, within `payments.refund_window_days`,
 * reverses the posting (what the expert already paid out is taken from the platform instead) and
 * drops the enrollment; the course can then be bought again.
 */
import { AppError, type Enrollment } from "@sira/contracts";
import type { Logger, Redis } from "@sira/infra";
import type { Db, Tx } from "@sira/infra/db";
import type { Viewer } from "../access/actor.ts";
import { getSetting } from "../admin/settings/index.ts";
import { writeAudit } from "../audit.ts";
import { findReadableCourse } from "../catalog/courses.ts";
import { enrollInCourse, hasCourseAccessPurchase, lockCoursePurchase } from "../catalog/enrollment.ts";
import { invalidateDashboard } from "../learning/dashboard/cache.ts";
import type { AuditMeta } from "../request-meta.ts";
import type { UsageSink } from "../usage/recorder.ts";
import { toCredits } from "./amount.ts";
import { creditBalance, paymentRequired } from "./course-access.ts";
import { accountIdOf, lockAccounts, type PostingLine, post } from "./ledger.ts";

export interface PurchaseResult {
  course_id: string;
  price: number;
  /** False when the learner had the course already: nothing was charged. */
  charged: boolean;
  balance: number;
  enrollment: Enrollment;
}

/**
 * Buys the course and enrolls the learner, in one transaction; a repeat (or a course already
 * bought or opened by a code) charges nothing and answers the enrollment. 402 with price, balance
 * and where to buy credits when the balance is short.
 */
export async function purchaseCourse(
  deps: { db: Db; redis: Redis; logger: Logger; usage: UsageSink },
  viewer: Viewer,
  idOrSlug: string,
  at: Date,
): Promise<PurchaseResult> {
  let enrolled = false;
  const result = await deps.db.$transaction(async (tx) => {
    const found = await findReadableCourse(tx, viewer, idOrSlug);
    const course = await tx.course.findUniqueOrThrow({
      where: { id: found.id },
      select: { id: true, priceCredits: true, isMarketplace: true, expertId: true },
    });
    await lockCoursePurchase(tx, viewer.userId, course.id);
    const owned = course.priceCredits === 0 || (await hasCourseAccessPurchase(tx, viewer.userId, course.id));
    let charged = false;
    if (!owned) {
      const refunds = await tx.transaction.count({
        where: { type: "refund", courseId: course.id, amount: { gt: 0 }, account: { userId: viewer.userId } },
      });
      const lines = await saleLines(tx, viewer.userId, course);
      try {
        await post(tx, { key: `course_purchase:${viewer.userId}:${course.id}:${refunds}`, lines, at });
      } catch (error) {
        if (error instanceof AppError && error.code === "INSUFFICIENT_CREDITS") {
          throw await paymentRequired(tx, viewer.userId, course.priceCredits, "INSUFFICIENT_CREDITS");
        }
        throw error;
      }
      charged = true;
    }
    const enrollment = await enrollInCourse(tx, viewer, course.id, at, () => {
      enrolled = true;
    });
    return {
      course_id: course.id,
      price: course.priceCredits,
      charged,
      balance: await creditBalance(tx, viewer.userId),
      enrollment,
    };
  });
  await invalidateDashboard(deps.redis, viewer.userId, deps.logger);
  // Recorded once committed; a repeat that charged and enrolled nothing records nothing.
  const event = { userId: viewer.userId, courseId: result.course_id, occurredAt: at };
  if (result.charged) deps.usage.record({ ...event, kind: "purchase", quantity: result.price });
  if (enrolled) deps.usage.record({ ...event, kind: "enrollment" });
  return result;
}

/** The lines of a sale: the learner pays; the expert's share and the commission on a marketplace course. */
async function saleLines(
  tx: Tx,
  userId: string,
  course: { id: string; priceCredits: number; isMarketplace: boolean; expertId: string | null },
): Promise<PostingLine[]> {
  const price = course.priceCredits;
  const paid: PostingLine = { account: { userId }, type: "course_purchase", amount: -price, courseId: course.id };
  if (!course.isMarketplace || !course.expertId || course.expertId === userId) {
    return [paid, { account: { counter: "platform" }, type: "course_purchase", amount: price, courseId: course.id }];
  }
  const pct = await getSetting(tx, "marketplace.commission_pct");
  const commission = Math.round((price * pct) / 100);
  return [
    paid,
    { account: { userId: course.expertId }, type: "course_earning", amount: price - commission, courseId: course.id },
    { account: { counter: "platform" }, type: "commission", amount: commission, courseId: course.id },
  ];
}

/**
 * Refunds a course purchase posting (admin): within the refund window, once. Each line comes
 * back reversed; an expert who already paid out part of their share keeps it and the platform
 * covers the difference. The learner's enrollment is dropped (their progress is kept).
 */
export async function refundPurchase(db: Db, postingId: string, meta: AuditMeta & { actorId: string }) {
  return db.$transaction(async (tx) => {
    const rows = (
      await tx.transaction.findMany({
        where: { postingId },
        select: {
          id: true,
          type: true,
          amount: true,
          courseId: true,
          createdAt: true,
          accountId: true,
          account: { select: { userId: true, kind: true } },
        },
      })
    ).map((r) => ({ ...r, amount: toCredits(r.amount) }));
    const paid = rows.find((r) => r.type === "course_purchase" && r.amount < 0 && r.account.userId);
    if (!paid?.courseId || !paid.account.userId) throw new AppError("NOT_FOUND");
    const learnerId = paid.account.userId;
    // The lock a purchase and a paid enrollment take: an enrollment that saw the purchase live
    // writes before this refund drops it, never after.
    await lockCoursePurchase(tx, learnerId, paid.courseId);
    const days = await getSetting(tx, "payments.refund_window_days");
    if (meta.now.getTime() - paid.createdAt.getTime() > days * 86_400_000) throw new AppError("REFUND_WINDOW_CLOSED");
    // The expert's balance is read below: a payout request posting in between would leave less to take back (402).
    await lockAccounts(tx, [...rows.map((r) => r.accountId), await accountIdOf(tx, { counter: "platform" })]);
    let platformExtra = 0;
    const lines: PostingLine[] = [];
    for (const row of rows) {
      const owner = row.account.userId;
      if (owner && row.amount > 0) {
        // An expert's share: take back what is still there, the platform covers the rest.
        const balance = await creditBalance(tx, owner);
        const back = Math.min(row.amount, balance);
        platformExtra += row.amount - back;
        if (back)
          lines.push({
            account: { userId: owner },
            type: "refund",
            amount: -back,
            courseId: row.courseId,
            reverses: row.type as PostingLine["type"],
          });
      } else if (owner) {
        lines.push({
          account: { userId: owner },
          type: "refund",
          amount: -row.amount,
          courseId: row.courseId,
          reverses: "course_purchase",
        });
      } else {
        lines.push({
          account: { counter: row.account.kind === "mobile_money" ? "mobile_money" : "platform" },
          type: "refund",
          amount: -row.amount,
          courseId: row.courseId,
        });
      }
    }
    if (platformExtra)
      lines.push({ account: { counter: "platform" }, type: "refund", amount: -platformExtra, courseId: paid.courseId });
    const result = await post(tx, { key: `refund:${postingId}`, lines, relatedPostingId: postingId, at: meta.now });
    if (!result.replayed) {
      await tx.userCourseEnrollment.updateMany({
        where: { userId: learnerId, courseId: paid.courseId, status: { not: "dropped" } },
        data: { status: "dropped", droppedAt: meta.now },
      });
      await writeAudit(tx, {
        actorId: meta.actorId,
        action: "payment.refund",
        targetType: "posting",
        targetId: postingId,
        after: {
          refund_posting_id: result.postingId,
          course_id: paid.courseId,
          user_id: learnerId,
          amount: -paid.amount,
        },
        requestId: meta.requestId,
        ip: meta.ip,
      });
    }
    return {
      posting_id: result.postingId,
      refunded: -paid.amount,
      course_id: paid.courseId,
      user_id: learnerId,
      replayed: result.replayed,
    };
  });
}
