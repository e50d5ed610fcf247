/**
 * Payout requests hold the expert's credits: what is asked can be neither spent nor taken back by
 * a refund before the admin pays it, marking it paid then always succeeds and moves nothing more,
 * and a rejection gives the credits back, once. The books balance after each.
 */
import { isBalanced, reconcileLedger } from "@sira/domain";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { withHeldLock } from "../held-lock.ts";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { buyCredits, type MoneyWorld, moneyWorld } from "./world.ts";

const { app, deps } = testApp({ DATABASE_POOL_MAX: "8" });
const send = jsonSender(app, "payouts");
let world: MoneyWorld;
let learner: SignedIn;
let expert: SignedIn;
let courseId: string;
let otherCourseId: string;

beforeEach(async () => {
  await resetState();
  world = await moneyWorld(deps, send);
  learner = await signIn(deps, { role: "learner" });
  expert = await signIn(deps, { role: "expert" });
  courseId = (await makeCourse(deps.db, { expertId: expert.userId })).courseId;
  await deps.db.course.update({ where: { id: courseId }, data: { priceCredits: 500, isMarketplace: true } });
  otherCourseId = (await makeCourse(deps.db)).courseId;
  await deps.db.course.update({ where: { id: otherCourseId }, data: { priceCredits: 300 } });
  // The learner buys the expert's course: 350 earned by the expert (30 % commission).
  await buyCredits(deps, send, learner, world.packageId);
  expect((await send(learner, "POST", `/api/v1/courses/${courseId}/purchase`, {})).status).toBe(200);
});
afterAll(closeTestDeps);

const balanceOf = async (user: SignedIn) =>
  ((await (await send(user, "GET", "/api/v1/credits/balance")).json()) as { balance: number }).balance;

async function expectBooksBalanced() {
  const drift = await reconcileLedger(deps.db);
  expect(drift).toEqual({ accounts: [], postings: [], negative: [], chains: 0 });
  expect(isBalanced(drift)).toBe(true);
}

async function askPayout(credits: number): Promise<string> {
  const res = await send(expert, "POST", "/api/v1/expert/payouts", { credits, provider: "wave", phone: "771234567" });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const markPaid = (id: string, reference = "WV-1") =>
  send(world.admin, "POST", `/api/v1/admin/payouts/${id}/paid`, { operator_reference: reference });

const payoutRowsOf = (userId: string) =>
  deps.db.transaction.findMany({ where: { type: "payout", account: { userId } }, select: { amount: true } });

describe("payout requests hold the credits", () => {
  it("keeps the asked credits from being spent, and marking the payout paid moves nothing more", async () => {
    const id = await askPayout(300);
    expect(await balanceOf(expert)).toBe(50);
    const earnings = await (await send(expert, "GET", "/api/v1/expert/earnings")).json();
    expect(earnings).toMatchObject({ balance: 50, total_earned: 350, pending_payouts: 300 });

    const spend = await send(expert, "POST", `/api/v1/courses/${otherCourseId}/purchase`, {});
    expect(spend.status).toBe(402);
    expect(await spend.json()).toMatchObject({ code: "INSUFFICIENT_CREDITS", price: 300, balance: 50 });
    const more = await send(expert, "POST", "/api/v1/expert/payouts", {
      credits: 51,
      provider: "wave",
      phone: "771234567",
    });
    expect(more.status).toBe(402);
    expect(await more.json()).toMatchObject({ code: "INSUFFICIENT_CREDITS" });

    const paid = await markPaid(id);
    expect(paid.status).toBe(200);
    expect(await paid.json()).toMatchObject({ status: "paid", credits: 300, operator_reference: "WV-1" });
    const again = await markPaid(id, "WV-2");
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: "paid", operator_reference: "WV-1" });
    expect(await balanceOf(expert)).toBe(50);
    expect(await payoutRowsOf(expert.userId)).toEqual([{ amount: -300n }]);
    await expectBooksBalanced();
  });

  it("keeps the asked credits from a refund: the platform covers them, and the payout can still be marked paid", async () => {
    const id = await askPayout(300);
    const purchase = await deps.db.transaction.findFirstOrThrow({
      where: { courseId, type: "course_purchase", amount: { lt: 0 } },
    });
    const refund = await send(world.admin, "POST", `/api/v1/admin/purchases/${purchase.postingId}/refund`, {});
    expect(refund.status).toBe(200);
    expect(await balanceOf(learner)).toBe(1100);
    expect(await balanceOf(expert)).toBe(0);

    const paid = await markPaid(id);
    expect(paid.status).toBe(200);
    expect(await paid.json()).toMatchObject({ status: "paid" });
    expect(await balanceOf(expert)).toBe(0);
    expect(await payoutRowsOf(expert.userId)).toEqual([{ amount: -300n }]);
    await expectBooksBalanced();
  });

  it("lets a refund that starts while a payout request is posting take back only what the request left", async () => {
    const purchase = await deps.db.transaction.findFirstOrThrow({
      where: { courseId, type: "course_purchase", amount: { lt: 0 } },
    });
    // A raw connection holds the expert's account, so the request waits to post and the refund starts behind it.
    await withHeldLock("SELECT 1 FROM credit_accounts WHERE user_id = $1 FOR UPDATE", [expert.userId], async (held) => {
      const asking = send(expert, "POST", "/api/v1/expert/payouts", {
        credits: 300,
        provider: "wave",
        phone: "771234567",
      });
      await held.waiters(1);
      const refunding = send(world.admin, "POST", `/api/v1/admin/purchases/${purchase.postingId}/refund`, {});
      await held.waiters(2);
      await held.release();
      const [asked, refunded] = await Promise.all([asking, refunding]);
      expect(asked.status).toBe(201);
      expect([refunded.status, await refunded.json()]).toMatchObject([200, { refunded: 500 }]);
    });
    expect(await balanceOf(learner)).toBe(1100);
    expect(await balanceOf(expert)).toBe(0);
    await expectBooksBalanced();
  });

  it("gives the held credits back once when the admin rejects the request", async () => {
    const id = await askPayout(300);
    expect(await balanceOf(expert)).toBe(50);
    const rejected = await send(world.admin, "POST", `/api/v1/admin/payouts/${id}/reject`, {});
    expect(rejected.status).toBe(200);
    expect(await rejected.json()).toMatchObject({ status: "rejected" });
    expect(await balanceOf(expert)).toBe(350);
    const again = await send(world.admin, "POST", `/api/v1/admin/payouts/${id}/reject`, {});
    expect(again.status).toBe(200);
    expect(await balanceOf(expert)).toBe(350);
    expect((await markPaid(id)).status).toBe(409);
    expect(await balanceOf(expert)).toBe(350);
    const earnings = await (await send(expert, "GET", "/api/v1/expert/earnings")).json();
    expect(earnings).toMatchObject({ balance: 350, pending_payouts: 0 });

    // The whole balance can be asked again, and spent neither twice.
    const second = await askPayout(350);
    expect(await balanceOf(expert)).toBe(0);
    expect((await markPaid(second, "WV-3")).status).toBe(200);
    expect((await payoutRowsOf(expert.userId)).map((r) => Number(r.amount)).sort((a, b) => a - b)).toEqual([
      -350, -300, 300,
    ]);
    await expectBooksBalanced();
  });

  it("holds no more than the balance for racing requests", async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        send(expert, "POST", "/api/v1/expert/payouts", { credits: 100, provider: "wave", phone: "771234567" }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 402, 402, 402]);
    expect(await balanceOf(expert)).toBe(50);
    expect(await deps.db.payoutRequest.count({ where: { userId: expert.userId } })).toBe(3);
    await expectBooksBalanced();
  });
});
