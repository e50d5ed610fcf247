/**
 * A plan paid while the scheduled job ends the learner's subscription: the payment read the
 * subscription as active, the job ended it, and the payment then moved the end date of the ended
 * row. The learner was left with no plan and the paid time lost. A raw connection holds the row so
 * that the job, then the payment, wait on it in that order.
 */
import { runSubscriptionSchedule } from "@sira/domain";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { withHeldLock } from "./held-lock.ts";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";
import { type MoneyWorld, moneyWorld, payIntent } from "./money/world.ts";

const { app, deps } = testApp({ DATABASE_POOL_MAX: "8" });
const send = jsonSender(app, "sub-expiry-race");
let world: MoneyWorld;
let learner: SignedIn;

beforeEach(async () => {
  await resetState();
  world = await moneyWorld(deps, send);
  learner = await signIn(deps, { role: "learner" });
});
afterAll(closeTestDeps);

const DAY = 86_400_000;

describe("a plan paid while the schedule ends the subscription", () => {
  it("starts a new subscription instead of extending the ended one", async () => {
    await payIntent(deps, send, learner, { purpose: "subscription", plan: world.planSlug });
    const first = await deps.db.subscription.findFirstOrThrow({ where: { userId: learner.userId } });
    const paidAt = Date.now();
    await withHeldLock("SELECT 1 FROM subscriptions WHERE id = $1 FOR UPDATE", [first.id], async (held) => {
      // The job runs just past the end date; the payment came just before it.
      const quiet = { db: deps.db, mailer: deps.mailer, logger: deps.logger };
      const ending = runSubscriptionSchedule(quiet, new Date(first.expiresAt.getTime() + 1000));
      await held.waiters(1);
      const paying = payIntent(deps, send, learner, { purpose: "subscription", plan: world.planSlug });
      await held.waiters(2);
      await held.release();
      expect((await ending).expired).toBe(1);
      await paying;
    });
    const status = (await (await send(learner, "GET", "/api/v1/subscriptions/status")).json()) as {
      status: string;
      expires_at: string | null;
    };
    expect(status.status).toBe("active");
    const end = Date.parse(status.expires_at as string);
    expect(end - paidAt).toBeGreaterThanOrEqual(30 * DAY - 60_000);
    expect(end - paidAt).toBeLessThanOrEqual(30 * DAY + 60_000);
    const ended = await deps.db.subscription.findUniqueOrThrow({ where: { id: first.id } });
    expect(ended).toMatchObject({ status: "expired", expiresAt: first.expiresAt });
  });
});
