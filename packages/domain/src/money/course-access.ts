/**
 * What the catalog asks of money: whether a learner holds a live (not refunded) purchase of a
 * course, and the 402 a paid course answers, with its price, the learner's balance and where to
 * buy credits. Kept apart from purchase.ts, which enrolls through the catalog.
 */
import { AppError } from "@sira/contracts";
import type { Db, Tx } from "@sira/infra/db";
import { toCredits } from "./amount.ts";

/** Where a learner without enough credits buys more (the 402's `buy_credits_url`). */
export const BUY_CREDITS_PATH = "/api/v1/credits/packages";

export async function creditBalance(db: Db | Tx, userId: string): Promise<number> {
  const account = await db.creditAccount.findUnique({ where: { userId }, select: { balance: true } });
  return toCredits(account?.balance ?? 0);
}

/**
 * The 402 for a course the learner has not paid: PAYMENT_REQUIRED where they ask to enroll,
 * INSUFFICIENT_CREDITS where they try to buy it; both with its price, their balance and where to
 * buy credits.
 */
export async function paymentRequired(
  db: Db | Tx,
  userId: string,
  price: number,
  code: "PAYMENT_REQUIRED" | "INSUFFICIENT_CREDITS" = "PAYMENT_REQUIRED",
): Promise<AppError> {
  const balance = await creditBalance(db, userId);
  return new AppError(code, {
    details: {
      en: `This course costs ${price} credits; your balance is ${balance}.`,
      fr: `Ce cours coûte ${price} crédits ; votre solde est de ${balance}.`,
    },
    extensions: { price, balance, buy_credits_url: BUY_CREDITS_PATH },
  });
}

/** The learner's live (not refunded) purchase posting of the course, if any. */
export async function livePurchase(tx: Tx, userId: string, courseId: string): Promise<string | null> {
  const purchases = await tx.transaction.findMany({
    where: { type: "course_purchase", courseId, amount: { lt: 0 }, account: { userId } },
    select: { postingId: true },
  });
  for (const { postingId } of purchases) {
    const refunded = await tx.transaction.count({
      where: { type: "refund", relatedTransaction: { postingId } },
    });
    if (!refunded) return postingId;
  }
  return null;
}
