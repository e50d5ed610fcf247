/**
 * The credits ledger through the API: a paid intent brings credits, a marketplace purchase splits
 * the price between the expert and the platform in one posting, the 402 says what is missing, a
 * refund reverses the posting and drops the enrollment, payouts leave by mobile money, tutor
 * messages past the limit cost credits for learners who opt in, and after all of it the books
 * reconcile: every posting sums to zero and every balance is the sum of its rows.
 */
import { isBalanced, reconcileLedger } from "@sira/domain";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { enroll, indexMarketText, makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { post as postQuestion } from "../tutor/client.ts";
import { buyCredits, type MoneyWorld, moneyWorld } from "./world.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "money");
let world: MoneyWorld;
let learner: SignedIn;
let expert: SignedIn;
let courseId: string;

beforeEach(async () => {
  await resetState();
  world = await moneyWorld(deps, send);
  learner = await signIn(deps, { role: "learner" });
  expert = await signIn(deps, { role: "expert" });
  const course = await makeCourse(deps.db, { expertId: expert.userId });
  courseId = course.courseId;
  await deps.db.course.update({ where: { id: courseId }, data: { priceCredits: 500, isMarketplace: true } });
});
afterAll(closeTestDeps);

const balanceOf = async (user: SignedIn) =>
  ((await (await send(user, "GET", "/api/v1/credits/balance")).json()) as { balance: number; total_spent: number })
    .balance;

async function expectBooksBalanced() {
  const drift = await reconcileLedger(deps.db);
  expect(drift).toEqual({ accounts: [], postings: [], negative: [], chains: 0 });
  expect(isBalanced(drift)).toBe(true);
}

describe("credits and course purchases", () => {
  it("answers 402 with the price, the balance and where to buy, then sells the course once", async () => {
    const refused = await send(learner, "POST", `/api/v1/courses/${courseId}/enroll`, {}, "fr");
    expect(refused.status).toBe(402);
    expect(await refused.json()).toMatchObject({
      code: "PAYMENT_REQUIRED",
      price: 500,
      balance: 0,
      buy_credits_url: "/api/v1/credits/packages",
    });

    const short = await send(learner, "POST", `/api/v1/courses/${courseId}/purchase`, {});
    expect(short.status).toBe(402);
    expect(await short.json()).toMatchObject({ code: "INSUFFICIENT_CREDITS", price: 500, balance: 0 });

    await buyCredits(deps, send, learner, world.packageId);
    expect(await balanceOf(learner)).toBe(1100);

    const bought = await send(learner, "POST", `/api/v1/courses/${courseId}/purchase`, {});
    expect(bought.status).toBe(200);
    expect(await bought.json()).toMatchObject({
      charged: true,
      price: 500,
      balance: 600,
      enrollment: { status: "active" },
    });
    const again = await send(learner, "POST", `/api/v1/courses/${courseId}/purchase`, {});
    expect(await again.json()).toMatchObject({ charged: false, balance: 600 });

    // 30 % commission (the default): the expert earns 350, the platform 150, in the purchase's posting.
    const rows = await deps.db.transaction.findMany({
      where: { courseId },
      select: { postingId: true, type: true, amount: true, account: { select: { userId: true, kind: true } } },
    });
    expect(new Set(rows.map((r) => r.postingId)).size).toBe(1);
    expect(rows.map((r) => [r.type, Number(r.amount), r.account.kind]).sort()).toEqual(
      [
        ["commission", 150, "platform"],
        ["course_earning", 350, "user"],
        ["course_purchase", -500, "user"],
      ].sort(),
    );
    const earnings = (await (await send(expert, "GET", "/api/v1/expert/earnings", undefined, "fr")).json()) as {
      balance: number;
      courses: { course_id: string; sales: number; earned: number }[];
    };
    expect(earnings).toMatchObject({ balance: 350, courses: [{ course_id: courseId, sales: 1, earned: 350 }] });
    const history = (await (await send(learner, "GET", "/api/v1/credits/transactions")).json()) as {
      items: { type: string; amount: number; balance_after: number }[];
    };
    expect(history.items.map((t) => [t.type, t.amount, t.balance_after])).toEqual([
      ["course_purchase", -500, 600],
      ["credit_purchase", 1100, 1100],
    ]);
    await expectBooksBalanced();
  });

  it("sells a course once to 20 racing purchases of the same learner", async () => {
    await buyCredits(deps, send, learner, world.packageId);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => send(learner, "POST", `/api/v1/courses/${courseId}/purchase`, {})),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const charged = (await Promise.all(results.map((r) => r.json()))).filter(
      (b) => (b as { charged: boolean }).charged,
    );
    expect(charged).toHaveLength(1);
    expect(await balanceOf(learner)).toBe(600);
    await expectBooksBalanced();
  });

  it("refunds within the window: the posting reversed, the enrollment dropped, the course buyable again", async () => {
    await buyCredits(deps, send, learner, world.packageId);
    await send(learner, "POST", `/api/v1/courses/${courseId}/purchase`, {});
    const purchase = await deps.db.transaction.findFirstOrThrow({
      where: { courseId, type: "course_purchase", amount: { lt: 0 } },
    });
    const refund = await send(world.admin, "POST", `/api/v1/admin/purchases/${purchase.postingId}/refund`, {});
    expect(refund.status).toBe(200);
    expect(await refund.json()).toMatchObject({ refunded: 500, course_id: courseId, replayed: false });
    const repeat = await send(world.admin, "POST", `/api/v1/admin/purchases/${purchase.postingId}/refund`, {});
    expect(await repeat.json()).toMatchObject({ replayed: true });
    expect(await balanceOf(learner)).toBe(1100);
    expect(await balanceOf(expert)).toBe(0);
    const enrollment = await deps.db.userCourseEnrollment.findUniqueOrThrow({
      where: { userId_courseId: { userId: learner.userId, courseId } },
    });
    expect(enrollment.status).toBe("dropped");
    const audit = await deps.db.auditLog.count({ where: { action: "payment.refund", targetId: purchase.postingId } });
    expect(audit).toBe(1);
    // Leaving and coming back does not reopen a refunded course.
    expect((await send(learner, "POST", `/api/v1/courses/${courseId}/enroll`, {})).status).toBe(402);
    const rebought = await send(learner, "POST", `/api/v1/courses/${courseId}/purchase`, {});
    expect(await rebought.json()).toMatchObject({ charged: true, balance: 600 });
    await expectBooksBalanced();
  });

  it("takes back from the platform what the expert already paid out, and closes refunds after the window", async () => {
    await buyCredits(deps, send, learner, world.packageId);
    await send(learner, "POST", `/api/v1/courses/${courseId}/purchase`, {});
    const payout = await send(expert, "POST", "/api/v1/expert/payouts", {
      credits: 300,
      provider: "wave",
      phone: "+221 77 123 45 67",
    });
    expect(payout.status).toBe(201);
    const tooMuch = await send(expert, "POST", "/api/v1/expert/payouts", {
      credits: 100,
      provider: "wave",
      phone: "771234567",
    });
    expect(tooMuch.status).toBe(402);
    const { id } = (await payout.json()) as { id: string };
    const paid = await send(world.admin, "POST", `/api/v1/admin/payouts/${id}/paid`, {
      operator_reference: "WV-2026-001",
    });
    expect(await paid.json()).toMatchObject({ status: "paid", operator_reference: "WV-2026-001" });
    expect(await balanceOf(expert)).toBe(50);

    const purchase = await deps.db.transaction.findFirstOrThrow({
      where: { courseId, type: "course_purchase", amount: { lt: 0 } },
    });
    expect((await send(world.admin, "POST", `/api/v1/admin/purchases/${purchase.postingId}/refund`, {})).status).toBe(
      200,
    );
    expect(await balanceOf(expert)).toBe(0);
    expect(await balanceOf(learner)).toBe(1100);
    await expectBooksBalanced();

    await send(learner, "POST", `/api/v1/courses/${courseId}/purchase`, {});
    const second = await deps.db.transaction.findFirstOrThrow({
      where: { courseId, type: "course_purchase", amount: { lt: 0 } },
      orderBy: { seq: "desc" },
    });
    await send(world.admin, "PUT", "/api/v1/admin/settings/payments.refund_window_days", { value: 0 });
    await new Promise((r) => setTimeout(r, 5));
    const late = await send(world.admin, "POST", `/api/v1/admin/purchases/${second.postingId}/refund`, {}, "fr");
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ code: "REFUND_WINDOW_CLOSED" });
  });
});

describe("tutor messages past the limit", () => {
  it("cost tutor.overage_credits each for a learner who opted in, and are refused without credits", async () => {
    await enroll(deps.db, learner.userId, courseId);
    await indexMarketText(deps.db, deps.ai.embedder, courseId);
    await send(world.admin, "PUT", "/api/v1/admin/settings/tutor.free_daily_messages", { value: 1 });
    const ask = (message: string) => postQuestion(app, learner, { course_id: courseId, message });
    const first = await ask("Qu'est-ce que le prix d'équilibre ?");
    expect(first.status).toBe(200);
    await first.body?.cancel();
    expect((await ask("Et la demande ?")).status).toBe(429);

    const optIn = await send(learner, "PUT", "/api/v1/tutor/payment", { pay_beyond_limit: true });
    expect(await optIn.json()).toEqual({ pay_beyond_limit: true, credits_per_message: 2 });
    expect((await ask("Et la demande ?")).status).toBe(429); // opted in, but no credits

    await buyCredits(deps, send, learner, world.packageId);
    const paid = await ask("Et l'offre ?");
    expect(paid.status).toBe(200);
    await paid.body?.cancel();
    expect(await balanceOf(learner)).toBe(1098);
    const usage = await deps.db.transaction.findMany({ where: { type: "tutor_usage" }, select: { amount: true } });
    expect(usage.map((u) => Number(u.amount)).sort()).toEqual([-2, 2]);
    expect(await deps.db.tutorDailyUsage.findFirst({ where: { userId: learner.userId } })).toMatchObject({
      used: 1,
      paid: 1,
    });
    await expectBooksBalanced();
  });
});
