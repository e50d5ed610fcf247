/**
 * The money back office and the learner's own SMS reference: packages and plans changed and
 * audited, a plan activated with the operator transaction id of the learner's own SMS the relay
 * could not match (never someone else's), payouts refused, and the revenue report by day,
 * operator, course and expert.
 */
import { createPaymentIntent, runSubscriptionSchedule } from "@sira/domain";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { relaySms } from "./relay.ts";
import { buyCredits, type MoneyWorld, moneyWorld } from "./world.ts";

const SECRET = "admin-money-relay-secret-0123456789";
const { app, deps } = testApp({ SMS_RELAY_HMAC_SECRET: SECRET });
const send = jsonSender(app, "admin-money");
let world: MoneyWorld;
let learner: SignedIn;

beforeEach(async () => {
  await resetState();
  world = await moneyWorld(deps, send);
  learner = await signIn(deps, { role: "learner", preferredLanguage: "fr" });
});
afterAll(closeTestDeps);

const relay = (body: string, messageId: string) => relaySms(app, SECRET, { device: "phone-1", messageId, body });

describe("packages and plans", () => {
  it("are changed by admins only, audited, and withdrawn from sale when inactive", async () => {
    const packs = (await (await send(world.admin, "GET", "/api/v1/admin/credit-packages")).json()) as {
      items: { id: string }[];
    };
    const id = packs.items[0]?.id as string;
    const changed = await send(world.admin, "PATCH", `/api/v1/admin/credit-packages/${id}`, {
      price_amount: 4500,
      is_active: false,
    });
    expect(await changed.json()).toMatchObject({ price_amount: 4500, is_active: false });
    const audit = await deps.db.auditLog.findFirstOrThrow({
      where: { action: "credit_package.updated", targetId: id },
    });
    expect(audit.before).toMatchObject({ price_amount: 5000, is_active: true });
    const forSale = (await (await send(learner, "GET", "/api/v1/credits/packages")).json()) as { items: unknown[] };
    expect(forSale.items).toEqual([]);
    expect((await send(learner, "PATCH", `/api/v1/admin/credit-packages/${id}`, { price_amount: 1 })).status).toBe(403);
    const intent = await send(learner, "POST", "/api/v1/payments/intents", { purpose: "credits", package_id: id });
    expect(intent.status).toBe(404);
    const duplicate = await send(world.admin, "POST", "/api/v1/admin/subscription-plans", {
      slug: world.planSlug,
      name_fr: "Doublon",
      name_en: "Duplicate",
      duration_days: 7,
      daily_message_limit: 10,
      price_amount: 500,
    });
    expect(duplicate.status).toBe(409);
  });
});

describe("POST /api/v1/subscriptions/activate with an SMS reference", () => {
  const activate = (user: SignedIn, smsReference: string) =>
    send(user, "POST", "/api/v1/subscriptions/activate", { sms_reference: smsReference });

  /** The learner's plan intent lapses, then their payment quoting its reference arrives: left for review. */
  async function lateOwnPayment(transactionId: string) {
    // Opened yesterday: it lapsed (2 hours) before the phone received the payment today.
    const intent = await createPaymentIntent(
      deps.db,
      learner.userId,
      { purpose: "subscription", plan: world.planSlug },
      "fr",
      new Date(Date.now() - 24 * 3600_000),
    );
    await runSubscriptionSchedule(deps);
    const sms = `Vous avez reçu un transfert de 2000 FCFA du 778889900. Ref: ${transactionId}. Motif: ${intent.reference}. Nouveau solde: 10 000 FCFA.`;
    expect(await (await relay(sms, `m-${transactionId}`)).json()).toMatchObject({ status: "review" });
  }

  it("activates the plan of the amount paid, once, from the learner's own SMS the relay left for review", async () => {
    await lateOwnPayment("CI241204.0900.B77");
    const thief = await signIn(deps, { role: "learner" });
    const stolen = await activate(thief, "CI241204.0900.B77");
    expect(stolen.status).toBe(404);
    expect(((await stolen.json()) as { code: string }).code).toBe("NOT_FOUND");

    const activated = await activate(learner, "ci241204.0900.b77");
    expect(activated.status).toBe(200);
    expect(await activated.json()).toMatchObject({ plan: world.planSlug, daily_message_limit: 50, extended: false });
    expect((await activate(learner, "CI241204.0900.B77")).status).toBe(409);
    expect((await activate(thief, "CI241204.0900.B77")).status).toBe(404);
    expect(await deps.db.subscriptionPayment.count({ where: { operatorReference: "CI241204.0900.B77" } })).toBe(1);
    expect(await deps.db.subscription.count({ where: { userId: thief.userId } })).toBe(0);
    const message = await deps.db.smsRelayMessage.findFirstOrThrow({
      where: { parsedTransactionId: "CI241204.0900.B77" },
    });
    expect(message.status).toBe("matched");
    expect(
      (await send(learner, "POST", "/api/v1/subscriptions/activate", { code: "x", sms_reference: "y" })).status,
    ).toBe(400);
  });

  it("activates from an SMS without reference only for a learner who has paid from its number", async () => {
    await buyCredits(deps, send, learner, world.packageId);
    const sms =
      "Vous avez reçu un transfert de 2000 FCFA du 771234567. Ref: CI241204.0901.C12. Nouveau solde: 10 000 FCFA.";
    expect(await (await relay(sms, "m-phone")).json()).toMatchObject({ status: "review" });
    const other = await signIn(deps, { role: "learner" });
    expect((await activate(other, "CI241204.0901.C12")).status).toBe(404);
    expect((await activate(learner, "CI241204.0901.C12")).status).toBe(200);
  });

  it("leaves to an admin an SMS without reference from a number that has paid for two learners", async () => {
    const other = await signIn(deps, { role: "learner" });
    await buyCredits(deps, send, learner, world.packageId);
    await buyCredits(deps, send, other, world.packageId);
    const sms =
      "Vous avez reçu un transfert de 2000 FCFA du 771234567. Ref: CI241204.0903.E56. Nouveau solde: 10 000 FCFA.";
    expect(await (await relay(sms, "m-shared")).json()).toMatchObject({ status: "review" });
    expect((await activate(learner, "CI241204.0903.E56")).status).toBe(404);
    expect((await activate(other, "CI241204.0903.E56")).status).toBe(404);
    expect(await deps.db.subscriptionPayment.count({ where: { operatorReference: "CI241204.0903.E56" } })).toBe(0);
  });

  it("gives the plan once when the owner activates twice at the same moment: one 200, one 409", async () => {
    await lateOwnPayment("CI241204.0902.D34");
    const both = await Promise.all([activate(learner, "CI241204.0902.D34"), activate(learner, "CI241204.0902.D34")]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const refused = both.find((r) => r.status === 409) as Response;
    expect(((await refused.json()) as { code: string }).code).toBe("CONFLICT");
    expect(await deps.db.subscriptionPayment.count({ where: { operatorReference: "CI241204.0902.D34" } })).toBe(1);
    expect(await deps.db.subscription.count({ where: { userId: learner.userId } })).toBe(1);
  });

  it("throttles a learner trying transaction ids like activation codes", async () => {
    for (let i = 0; i < 5; i++) expect((await activate(learner, `CI-GUESS-${i}`)).status).toBe(404);
    const throttled = await activate(learner, "CI-GUESS-5");
    expect(throttled.status).toBe(429);
    expect(((await throttled.json()) as { code: string }).code).toBe("ACTIVATION_CODE_THROTTLED");
  });
});

describe("payouts and the revenue report", () => {
  it("rejects a payout without moving credits, and reports sales by day, operator, course and expert", async () => {
    const expert = await signIn(deps, { role: "expert" });
    const course = await makeCourse(deps.db, { expertId: expert.userId });
    await deps.db.course.update({ where: { id: course.courseId }, data: { priceCredits: 400, isMarketplace: true } });
    await buyCredits(deps, send, learner, world.packageId);
    await send(learner, "POST", `/api/v1/courses/${course.courseId}/purchase`, {});

    const asked = (await (
      await send(expert, "POST", "/api/v1/expert/payouts", {
        credits: 100,
        provider: "orange_money",
        phone: "770000000",
      })
    ).json()) as { id: string };
    const rejected = await send(world.admin, "POST", `/api/v1/admin/payouts/${asked.id}/reject`, {});
    expect(await rejected.json()).toMatchObject({ status: "rejected" });
    expect(
      (await send(world.admin, "POST", `/api/v1/admin/payouts/${asked.id}/paid`, { operator_reference: "OM-1" }))
        .status,
    ).toBe(409);
    const balance = (await (await send(expert, "GET", "/api/v1/credits/balance")).json()) as { balance: number };
    expect(balance.balance).toBe(280);

    const today = new Date().toISOString().slice(0, 10);
    const report = (await (
      await send(world.admin, "GET", `/api/v1/admin/revenue?from=${today}&to=${today}`)
    ).json()) as {
      by_day: {
        day: string;
        payments: number;
        amount: number;
        credits_sold: number;
        course_sales: number;
        commission: number;
      }[];
      by_operator: { provider: string; payments: number; amount: number }[];
      by_course: { course_id: string; sales: number; credits: number }[];
      by_expert: { expert_id: string; earned: number }[];
    };
    expect(report.by_day).toEqual([
      {
        day: today,
        payments: 1,
        amount: 5000,
        credits_sold: 1100,
        course_sales: 1,
        course_refunds: 0,
        commission: 120,
        commission_gross: 120,
        commission_refunded: 0,
      },
    ]);
    expect(report.by_operator).toEqual([{ provider: "orange_money", payments: 1, amount: 5000 }]);
    expect(report.by_course).toEqual([{ course_id: course.courseId, sales: 1, credits: 400, refunds: 0 }]);
    const earned = { expert_id: expert.userId, earned: 280, earned_gross: 280, earned_refunded: 0 };
    expect(report.by_expert).toEqual([{ ...earned, paid_out: 0 }]);
    // A request waiting counts as paid out only once the admin has paid it.
    const waiting = (await (
      await send(expert, "POST", "/api/v1/expert/payouts", { credits: 50, provider: "wave", phone: "770000000" })
    ).json()) as { id: string };
    const revenue = async () =>
      (
        (await (await send(world.admin, "GET", `/api/v1/admin/revenue?from=${today}&to=${today}`)).json()) as {
          by_expert: unknown[];
        }
      ).by_expert;
    expect(await revenue()).toEqual([{ ...earned, paid_out: 0 }]);
    await send(world.admin, "POST", `/api/v1/admin/payouts/${waiting.id}/paid`, { operator_reference: "WV-7" });
    expect(await revenue()).toEqual([{ ...earned, paid_out: 50 }]);
    const check = (await (await send(world.admin, "GET", "/api/v1/admin/ledger/reconciliation")).json()) as {
      balanced: boolean;
    };
    expect(check.balanced).toBe(true);
  });

  it("reports commission and earnings net of refunds, as the expert's earnings count them", async () => {
    const expert = await signIn(deps, { role: "expert" });
    const course = await makeCourse(deps.db, { expertId: expert.userId });
    await deps.db.course.update({ where: { id: course.courseId }, data: { priceCredits: 400, isMarketplace: true } });
    await buyCredits(deps, send, learner, world.packageId);
    const bought = await send(learner, "POST", `/api/v1/courses/${course.courseId}/purchase`, {});
    expect(bought.status).toBe(200);
    // The expert asks for 100 of their 280 before the refund: those stay theirs, the platform covers them.
    const asked = await send(expert, "POST", "/api/v1/expert/payouts", {
      credits: 100,
      provider: "wave",
      phone: "770000000",
    });
    expect(asked.status).toBeLessThan(300);
    const purchases = (await (
      await send(world.admin, "GET", `/api/v1/admin/purchases?course_id=${course.courseId}`)
    ).json()) as { items: { posting_id: string }[] };
    const postingId = purchases.items[0]?.posting_id as string;
    expect((await send(world.admin, "POST", `/api/v1/admin/purchases/${postingId}/refund`, {})).status).toBe(200);

    const today = new Date().toISOString().slice(0, 10);
    const report = (await (
      await send(world.admin, "GET", `/api/v1/admin/revenue?from=${today}&to=${today}`)
    ).json()) as {
      by_day: Record<string, unknown>[];
      by_course: Record<string, unknown>[];
      by_expert: Record<string, unknown>[];
    };
    expect(report.by_day[0]).toMatchObject({
      course_sales: 1,
      course_refunds: 1,
      commission: 0,
      commission_gross: 120,
      commission_refunded: 120,
    });
    expect(report.by_course).toEqual([{ course_id: course.courseId, sales: 1, credits: 0, refunds: 1 }]);
    expect(report.by_expert).toEqual([
      { expert_id: expert.userId, earned: 100, earned_gross: 280, earned_refunded: 180, paid_out: 0 },
    ]);
    const earnings = (await (await send(expert, "GET", "/api/v1/expert/earnings")).json()) as { total_earned: number };
    expect(earnings.total_earned).toBe(100);
    // The analytics report's revenue counts them the same way.
    const analytics = (await (
      await send(world.admin, "GET", `/api/v1/admin/analytics?from=${today}&to=${today}`)
    ).json()) as { revenue: Record<string, unknown> };
    expect(analytics.revenue).toMatchObject({
      course_sales: 1,
      course_credits: 0,
      commission_credits: 0,
      expert_earnings: 100,
    });
  });
});
