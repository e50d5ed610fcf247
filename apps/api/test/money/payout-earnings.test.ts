/**
 * Only earned credits leave as payouts: what an expert's courses earned, less what refunds took
 * back and what payouts hold or paid. Credits from a code, a package bought by mobile money and its
 * bonus stay in the balance (409 PAYOUT_EXCEEDS_EARNINGS), the expert and the admin read what is
 * still withdrawable, and a payout's phone must hold 8 to 15 digits, as a payment intent's.
 */
import { reconcileLedger } from "@sira/domain";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { buyCredits, type MoneyWorld, moneyWorld } from "./world.ts";

const { app, deps } = testApp({ DATABASE_POOL_MAX: "8" });
const send = jsonSender(app, "payout-earnings");
afterAll(closeTestDeps);

let world: MoneyWorld;
let expert: SignedIn;
beforeEach(async () => {
  await resetState();
  world = await moneyWorld(deps, send);
  expert = await signIn(deps, { role: "expert" });
});

const body = async (res: Response) => (await res.json()) as Record<string, unknown>;
const balanceOf = async (user: SignedIn) => (await body(await send(user, "GET", "/api/v1/credits/balance"))).balance;
const earningsOf = async (user: SignedIn) => body(await send(user, "GET", "/api/v1/expert/earnings"));
const askPayout = (credits: number, phone = "771234567") =>
  send(expert, "POST", "/api/v1/expert/payouts", { credits, provider: "wave", phone });

/** The admin prints one credits code and the user redeems it. */
async function redeemCreditsCode(user: SignedIn, credits: number) {
  const batch = await send(world.admin, "POST", "/api/v1/admin/activation-codes/batches", {
    label: "Promo école",
    kind: "credits",
    credits,
    count: 1,
    max_redemptions: 1,
  });
  expect(batch.status).toBe(201);
  const code = ((await batch.json()) as { codes: { code: string }[] }).codes[0]?.code;
  expect((await send(user, "POST", "/api/v1/activation-codes/redeem", { code })).status).toBe(200);
}

/** A learner buys the expert's 500-credit marketplace course: 350 earned (30 % commission). Returns the sale's posting. */
async function sellCourse(): Promise<string> {
  const { courseId } = await makeCourse(deps.db, { expertId: expert.userId });
  await deps.db.course.update({ where: { id: courseId }, data: { priceCredits: 500, isMarketplace: true } });
  const learner = await signIn(deps, { role: "learner" });
  await buyCredits(deps, send, learner, world.packageId);
  expect((await send(learner, "POST", `/api/v1/courses/${courseId}/purchase`, {})).status).toBe(200);
  const sale = await deps.db.transaction.findFirstOrThrow({
    where: { courseId, type: "course_purchase", amount: { lt: 0 } },
  });
  return sale.postingId;
}

async function expectBooksBalanced() {
  expect(await reconcileLedger(deps.db)).toEqual({ accounts: [], postings: [], negative: [], chains: 0 });
}

describe("a payout takes only earned credits", () => {
  it("refuses credits from a code, a package bought by mobile money and its bonus", async () => {
    await redeemCreditsCode(expert, 1000);
    await buyCredits(deps, send, expert, world.packageId); // 1,000 credits + 100 bonus
    expect(await balanceOf(expert)).toBe(2100);
    expect(await earningsOf(expert)).toMatchObject({ balance: 2100, total_earned: 0, withdrawable: 0 });

    for (const lang of ["en", "fr"]) {
      const res = await send(
        expert,
        "POST",
        "/api/v1/expert/payouts",
        { credits: 2100, provider: "wave", phone: "771234567" },
        lang,
      );
      expect(res.status).toBe(409);
      const problem = await body(res);
      expect(problem).toMatchObject({ code: "PAYOUT_EXCEEDS_EARNINGS", withdrawable: 0, balance: 2100 });
      expect(problem.detail).toContain(lang === "fr" ? "au plus 0 crédits" : "at most 0 credits");
    }
    expect((await askPayout(1)).status).toBe(409);
    expect(await balanceOf(expert)).toBe(2100);
    expect(await deps.db.payoutRequest.count({ where: { userId: expert.userId } })).toBe(0);
    await expectBooksBalanced();
  });

  it("pays out what the courses earned beside credits from a code, and a rejection makes it withdrawable again", async () => {
    await sellCourse();
    await redeemCreditsCode(expert, 1000);
    expect(await earningsOf(expert)).toMatchObject({ balance: 1350, total_earned: 350, withdrawable: 350 });

    const tooMuch = await askPayout(351);
    expect(tooMuch.status).toBe(409);
    expect(await body(tooMuch)).toMatchObject({ code: "PAYOUT_EXCEEDS_EARNINGS", withdrawable: 350 });
    const first = await askPayout(200);
    expect(first.status).toBe(201);
    const firstId = (await body(first)).id as string;
    expect(await earningsOf(expert)).toMatchObject({ balance: 1150, pending_payouts: 200, withdrawable: 150 });
    expect(await body(await askPayout(151))).toMatchObject({ code: "PAYOUT_EXCEEDS_EARNINGS", withdrawable: 150 });

    // The admin sees, beside the request, what the expert earned and may still ask.
    const listed = (await body(await send(world.admin, "GET", "/api/v1/admin/payouts?status=requested"))).items as {
      id: string;
      credits: number;
      expert: Record<string, unknown>;
    }[];
    expect(listed).toEqual([
      expect.objectContaining({
        id: firstId,
        credits: 200,
        expert: expect.objectContaining({ id: expert.userId, earned: 350, withdrawable: 150 }),
      }),
    ]);

    // Paid, the 200 stay out; rejected, they come back.
    const second = (await body(await askPayout(150))).id as string;
    expect(await earningsOf(expert)).toMatchObject({ withdrawable: 0 });
    expect(
      (await send(world.admin, "POST", `/api/v1/admin/payouts/${firstId}/paid`, { operator_reference: "WV-1" })).status,
    ).toBe(200);
    expect((await send(world.admin, "POST", `/api/v1/admin/payouts/${second}/reject`, {})).status).toBe(200);
    expect(await earningsOf(expert)).toMatchObject({ balance: 1150, withdrawable: 150 });
    expect((await askPayout(151)).status).toBe(409);
    expect((await askPayout(150)).status).toBe(201);
    expect(await balanceOf(expert)).toBe(1000); // the code's credits, left to spend
    await expectBooksBalanced();
  });

  it("counts out of the earnings what a refund took back from the expert", async () => {
    const sale = await sellCourse();
    expect((await send(world.admin, "POST", `/api/v1/admin/purchases/${sale}/refund`, {})).status).toBe(200);
    await redeemCreditsCode(expert, 1000);
    expect(await earningsOf(expert)).toMatchObject({ balance: 1000, total_earned: 0, withdrawable: 0 });
    expect(await body(await askPayout(1))).toMatchObject({ code: "PAYOUT_EXCEEDS_EARNINGS", withdrawable: 0 });
  });

  it("keeps a share held before a refund as paid out: the platform covered it, it is not asked twice", async () => {
    const sale = await sellCourse();
    expect((await askPayout(300)).status).toBe(201);
    // The refund takes back the 50 left; the 300 held stay the expert's.
    expect((await send(world.admin, "POST", `/api/v1/admin/purchases/${sale}/refund`, {})).status).toBe(200);
    await redeemCreditsCode(expert, 1000);
    expect(await earningsOf(expert)).toMatchObject({ balance: 1000, total_earned: 300, withdrawable: 0 });
    expect((await askPayout(1)).status).toBe(409);
    await expectBooksBalanced();
  });

  it("lets racing requests hold no more than the earnings when the balance holds more", async () => {
    await sellCourse();
    await redeemCreditsCode(expert, 1000);
    const results = await Promise.all(Array.from({ length: 6 }, () => askPayout(100)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 409, 409, 409]);
    expect(await earningsOf(expert)).toMatchObject({ balance: 1050, pending_payouts: 300, withdrawable: 50 });
    await expectBooksBalanced();
  });
});

describe("a mobile-money phone holds 8 to 15 digits", () => {
  it("refuses a payout phone without enough digits, and stores a written one as its digits", async () => {
    await sellCourse();
    for (const phone of ["abcdef", "+221 -- --", "77 12 34", "+221 77 123 45 67 89 01"]) {
      const res = await askPayout(10, phone);
      expect(res.status, phone).toBe(400);
      expect(await body(res)).toMatchObject({
        code: "VALIDATION_FAILED",
        errors: [expect.objectContaining({ field: "phone" })],
      });
    }
    expect(await deps.db.payoutRequest.count({ where: { userId: expert.userId } })).toBe(0);
    const ok = await askPayout(10, "+221 77 123 45 67");
    expect(ok.status).toBe(201);
    expect(await body(ok)).toMatchObject({ phone: "221771234567" });
  });

  it("refuses a payment intent's phone without enough digits", async () => {
    const learner = await signIn(deps, { role: "learner" });
    const intent = (phone: string, lang?: string) =>
      send(
        learner,
        "POST",
        "/api/v1/payments/intents",
        { purpose: "credits", package_id: world.packageId, phone },
        lang,
      );
    for (const phone of ["abcdef", "(77) 12-34"]) {
      const res = await intent(phone, "fr");
      expect(res.status, phone).toBe(400);
      expect(await body(res)).toMatchObject({
        code: "VALIDATION_FAILED",
        errors: [expect.objectContaining({ field: "phone", message: "Un numéro de téléphone de 8 à 15 chiffres." })],
      });
    }
    expect(await deps.db.paymentIntent.count({ where: { userId: learner.userId } })).toBe(0);
    expect((await intent("77 123 45 67")).status).toBe(201);
    expect(
      await deps.db.paymentIntent.findFirst({ where: { userId: learner.userId }, select: { phone: true } }),
    ).toEqual({
      phone: "771234567",
    });
  });
});
