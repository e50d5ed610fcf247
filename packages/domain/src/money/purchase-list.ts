/**
 * Course purchases as the admin refunds them (refundPurchase takes the posting): newest first, with
 * the learner, the course, the price, until when a refund is accepted and whether it was given.
 */
import type { Language } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import { getSetting } from "../admin/settings/index.ts";
import { pageArgs } from "../sync.ts";
import { toCredits } from "./amount.ts";

export interface PurchaseListQuery {
  course_id?: string | undefined;
  page: number;
  limit: number;
}

/** One page of course purchases: four statements whatever the page size. */
export async function listCoursePurchases(db: Db, query: PurchaseListQuery, lang: Language) {
  // The learner's line of a purchase posting is its only negative course_purchase line.
  const where = {
    type: "course_purchase",
    amount: { lt: 0 },
    ...(query.course_id ? { courseId: query.course_id } : {}),
  };
  const [rows, total, days] = await Promise.all([
    db.transaction.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      select: {
        postingId: true,
        amount: true,
        createdAt: true,
        course: { select: { id: true, titleFr: true, titleEn: true } },
        account: { select: { user: { select: { id: true, name: true, email: true } } } },
      },
      ...pageArgs(query),
    }),
    db.transaction.count({ where }),
    getSetting(db, "payments.refund_window_days"),
  ]);
  // A refund posting names a row of the purchase's posting as its related row.
  const refunds = rows.length
    ? await db.transaction.findMany({
        where: { type: "refund", relatedTransaction: { postingId: { in: rows.map((r) => r.postingId) } } },
        select: { createdAt: true, relatedTransaction: { select: { postingId: true } } },
      })
    : [];
  const refundedAt = new Map(refunds.map((r) => [r.relatedTransaction?.postingId, r.createdAt]));
  return {
    items: rows.flatMap((r) => {
      const user = r.account.user;
      if (!r.course || !user) return [];
      return [
        {
          posting_id: r.postingId,
          course: { id: r.course.id, title: lang === "en" ? r.course.titleEn : r.course.titleFr },
          learner: user,
          price: -toCredits(r.amount),
          purchased_at: r.createdAt.toISOString(),
          refundable_until: new Date(r.createdAt.getTime() + days * 86_400_000).toISOString(),
          refunded_at: refundedAt.get(r.postingId)?.toISOString() ?? null,
        },
      ];
    }),
    total,
  };
}
