/**
 * Paying for tutor messages past the daily limit: a learner who opted in pays
 * `tutor.overage_credits` per message (a `tutor_usage` posting to the platform), inside the asking
 * transaction, through the tutor's TutorOverage seam (key: the message's id). Without the opt-in
 * or the credits, the message is refused as before (429); a paid message whose answer fails gets
 * its credits back.
 */
import { AppError } from "@sira/contracts";
import type { Db, Tx } from "@sira/infra/db";
import { getSetting } from "../admin/settings/index.ts";
import type { TutorOverage } from "../tutor/limits.ts";
import { toCredits } from "./amount.ts";
import { post } from "./ledger.ts";

export const creditsOverage: TutorOverage = {
  async payForMessage(tx, userId, at, messageId) {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { tutorPaysBeyondLimit: true } });
    if (!user?.tutorPaysBeyondLimit) return false;
    const price = await getSetting(tx, "tutor.overage_credits");
    try {
      // The learner's line goes first: when it is refused, nothing of the posting was written.
      await post(tx, {
        key: `tutor_usage:${messageId}`,
        at,
        lines: [
          { account: { userId }, type: "tutor_usage", amount: -price },
          { account: { counter: "platform" }, type: "tutor_usage", amount: price },
        ],
      });
      return true;
    } catch (error) {
      if (error instanceof AppError && error.code === "INSUFFICIENT_CREDITS") return false;
      throw error;
    }
  },
  async refundMessage(tx, userId, messageId) {
    const paid = await tx.transaction.findFirst({
      where: { idempotencyKey: `tutor_usage:${messageId}`, account: { userId } },
      select: { postingId: true, amount: true },
    });
    if (!paid) return false;
    const amount = toCredits(paid.amount);
    await post(tx as Tx, {
      key: `refund:tutor_usage:${messageId}`,
      relatedPostingId: paid.postingId,
      lines: [
        { account: { userId }, type: "refund", amount: -amount, reverses: "tutor_usage" },
        { account: { counter: "platform" }, type: "refund", amount },
      ],
    });
    return true;
  },
};

export interface TutorPaymentSettings {
  pay_beyond_limit: boolean;
  credits_per_message: number;
}

/** The learner's choice to pay past the daily limit, and what a message then costs. */
export async function setTutorOverage(db: Db, userId: string, enabled: boolean | null): Promise<TutorPaymentSettings> {
  const user =
    enabled === null
      ? await db.user.findUniqueOrThrow({ where: { id: userId }, select: { tutorPaysBeyondLimit: true } })
      : await db.user.update({
          where: { id: userId },
          data: { tutorPaysBeyondLimit: enabled },
          select: { tutorPaysBeyondLimit: true },
        });
  return {
    pay_beyond_limit: user.tutorPaysBeyondLimit,
    credits_per_message: await getSetting(db, "tutor.overage_credits"),
  };
}
