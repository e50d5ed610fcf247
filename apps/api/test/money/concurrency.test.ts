/**
 * Money under load: about 1,000 operations fired in parallel through the API, each sent more than
 * once as a phone on 2G retries: operator SMS (resends, and the same payment from a second relay
 * phone), course purchases, refunds, activation-code redemptions and tutor messages paid in
 * credits. Afterwards the books reconcile: every account's balance is the sum of its rows, every
 * posting sums to zero, no balance is negative, and each payment, purchase, refund, redemption and
 * question took effect exactly once.
 */
import { isBalanced, reconcileLedger } from "@sira/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexMarketText, makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { relaySms } from "./relay.ts";

const SECRET = "concurrency-relay-secret-0123456789";
const { app, deps } = testApp({
  SMS_RELAY_HMAC_SECRET: SECRET,
  RATE_LIMIT_PER_MINUTE: "1000000",
  DATABASE_POOL_WAIT_MS: "30000",
  // No worker answers here: every question a learner asks stays pending.
  TUTOR_MAX_ANSWERS_IN_FLIGHT: "100",
});
const send = jsonSender(app, "money-load");
afterAll(closeTestDeps);

const LEARNERS = 20;
const QUESTIONS = 12;

interface Learner {
  user: SignedIn;
  reference: string;
  amount: number;
  code: string;
}

let admin: SignedIn;
let learners: Learner[] = [];
const paidCourses: string[] = [];
let freeCourse: string;

const ok = async (res: Response | Promise<Response>, status = 200) => {
  const r = await res;
  expect(r.status, await r.clone().text()).toBe(status);
  return r.json();
};

beforeAll(async () => {
  await resetState();
  admin = await signIn(deps, { role: "admin" });
  const expert = await signIn(deps, { role: "expert" });
  await ok(send(admin, "PUT", "/api/v1/admin/settings/tutor.free_daily_messages", { value: 0 }));
  const pack = (await ok(
    send(admin, "POST", "/api/v1/admin/credit-packages", {
      slug: "pack-load",
      name_fr: "Pack",
      name_en: "Pack",
      credits: 1000,
      bonus_credits: 100,
      price_amount: 5000,
    }),
    201,
  )) as { id: string };
  for (const price of [200, 300]) {
    const course = await makeCourse(deps.db, { expertId: expert.userId });
    await deps.db.course.update({ where: { id: course.courseId }, data: { priceCredits: price, isMarketplace: true } });
    paidCourses.push(course.courseId);
  }
  freeCourse = (await makeCourse(deps.db)).courseId;
  await indexMarketText(deps.db, deps.ai.embedder, freeCourse);
  const batch = (await ok(
    send(admin, "POST", "/api/v1/admin/activation-codes/batches", {
      kind: "credits",
      credits: 100,
      count: LEARNERS,
      label: "Charge",
    }),
    201,
  )) as { codes: { code: string }[] };
  learners = [];
  for (let i = 0; i < LEARNERS; i++) {
    const user = await signIn(deps, { role: "learner" });
    await ok(send(user, "POST", `/api/v1/courses/${freeCourse}/enroll`, {}));
    await ok(send(user, "PUT", "/api/v1/tutor/payment", { pay_beyond_limit: true }));
    const intent = (await ok(
      send(user, "POST", "/api/v1/payments/intents", { purpose: "credits", package_id: pack.id }),
      201,
    )) as { reference: string; amount: number };
    learners.push({ user, reference: intent.reference, amount: intent.amount, code: batch.codes[i]?.code as string });
  }
}, 120_000);

/** The relay phone forwarding one operator SMS (signed as the phone does). */
const relay = (device: string, messageId: string, body: string) => relaySms(app, SECRET, { device, messageId, body });

/** A tutor question over tRPC, keyed as an offline phone replays it. */
function askTrpc(user: SignedIn, message: string, key: string) {
  return app.request("/trpc/tutor.ask", {
    method: "POST",
    headers: { ...user.headers, "content-type": "application/json", "idempotency-key": key },
    body: JSON.stringify({ course_id: freeCourse, message, idempotency_key: key }),
  });
}

/**
 * Sends as a phone does: a 503 (the server shedding load, nothing written) is sent again after a
 * moment, a few times; any other answer is final.
 */
async function retried(make: () => Response | Promise<Response>): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const res = await make();
    if (res.status !== 503 || attempt === 6) return res;
    await res.body?.cancel();
    await new Promise((r) => setTimeout(r, 250 * attempt));
  }
}

/** `n` copies of one request (a phone's retries), each retried on 503. */
const times = (n: number, make: () => Response | Promise<Response>): Promise<Response>[] =>
  Array.from({ length: n }, () => retried(make));

describe("a thousand money operations in parallel, with retries", () => {
  it("leave the books balanced and every operation applied once", async () => {
    // Wave 1: payments by SMS (resent, and relayed by two phones), purchases, code redemptions
    // (each learner's own code and, racing, the next learner's), and paid tutor questions.
    const wave1: Promise<Response>[] = [];
    learners.forEach((l, i) => {
      const sms = `Vous avez reçu un transfert de ${l.amount} FCFA du 7712345${String(i).padStart(2, "0")}. Ref: CI241204.LOAD.${i}. Motif: ${l.reference}. Nouveau solde: 900 000 FCFA.`;
      wave1.push(...times(3, () => relay("phone-a", `a-${i}`, sms)));
      wave1.push(...times(2, () => relay("phone-b", `b-${i}`, sms)));
      for (const course of paidCourses) {
        wave1.push(...times(3, () => send(l.user, "POST", `/api/v1/courses/${course}/purchase`, {})));
      }
      const next = learners[(i + 1) % LEARNERS] as Learner;
      wave1.push(...times(3, () => send(l.user, "POST", "/api/v1/activation-codes/redeem", { code: l.code })));
      wave1.push(...times(2, () => send(l.user, "POST", "/api/v1/activation-codes/redeem", { code: next.code })));
      for (let q = 0; q < QUESTIONS; q++) {
        const key = `ask-${i}-${q}-0000`;
        wave1.push(...times(2, () => askTrpc(l.user, `Qu'est-ce que le prix d'équilibre ? (${q})`, key)));
      }
    });
    const answers1 = await Promise.all(wave1);
    const statuses1 = answers1.map((r) => r.status);
    await Promise.all(answers1.map((r) => r.body?.cancel()));
    expect(statuses1.filter((s) => s >= 500)).toEqual([]);

    // Wave 2: refunds of each learner's first course (each sent three times), buying it again,
    // more keyed questions, and the SMS relayed once more.
    const purchases = await deps.db.transaction.findMany({
      where: { courseId: paidCourses[0], type: "course_purchase", amount: { lt: 0 } },
      select: { postingId: true },
    });
    const wave2: Promise<Response>[] = [];
    for (const { postingId } of purchases) {
      wave2.push(...times(3, () => send(admin, "POST", `/api/v1/admin/purchases/${postingId}/refund`, {})));
    }
    learners.forEach((l, i) => {
      wave2.push(...times(2, () => send(l.user, "POST", `/api/v1/courses/${paidCourses[0]}/purchase`, {})));
      for (let q = QUESTIONS; q < QUESTIONS + 5; q++) {
        const key = `ask-${i}-${q}-0000`;
        wave2.push(...times(2, () => askTrpc(l.user, `Et la demande ? (${q})`, key)));
      }
      const sms = `Vous avez reçu un transfert de ${l.amount} FCFA du 7712345${String(i).padStart(2, "0")}. Ref: CI241204.LOAD.${i}. Motif: ${l.reference}. Nouveau solde: 900 000 FCFA.`;
      wave2.push(retried(() => relay("phone-c", `c-${i}`, sms)));
    });
    const answers2 = await Promise.all(wave2);
    await Promise.all(answers2.map((r) => r.body?.cancel()));
    expect(answers2.map((r) => r.status).filter((s) => s >= 500)).toEqual([]);
    expect(wave1.length + wave2.length).toBeGreaterThanOrEqual(1_000);

    // The books.
    const drift = await reconcileLedger(deps.db);
    expect(drift).toEqual({ accounts: [], postings: [], negative: [], chains: 0 });
    expect(isBalanced(drift)).toBe(true);

    for (const [i, l] of learners.entries()) {
      const userId = l.user.userId;
      // One payment per operator transaction, credited once, whatever the phones sent.
      expect(await deps.db.subscriptionPayment.count({ where: { operatorReference: `CI241204.LOAD.${i}` } })).toBe(1);
      expect(await deps.db.transaction.count({ where: { type: "credit_purchase", account: { userId } } })).toBe(1);
      // Course purchases: one live purchase per course; the refunded one bought again once.
      for (const course of paidCourses) {
        const bought = await deps.db.transaction.count({
          where: { type: "course_purchase", courseId: course, account: { userId } },
        });
        const refunded = await deps.db.transaction.count({
          where: { type: "refund", courseId: course, amount: { gt: 0 }, account: { userId } },
        });
        expect(bought - refunded).toBeLessThanOrEqual(1);
        expect(refunded).toBeLessThanOrEqual(1);
      }
      // Questions: one per key, and one payment per question asked.
      const asked = await deps.db.tutorMessage.findMany({
        where: { role: "user", conversation: { userId } },
        select: { clientKey: true },
      });
      expect(new Set(asked.map((m) => m.clientKey)).size).toBe(asked.length);
      const paidQuestions = await deps.db.transaction.count({ where: { type: "tutor_usage", account: { userId } } });
      expect(paidQuestions).toBe(asked.length);
      const day = await deps.db.tutorDailyUsage.findFirst({ where: { userId } });
      expect(day?.paid ?? 0).toBe(asked.length);
    }
    // Codes: never past their use, one effect per redemption.
    const codes = await deps.db.activationCode.findMany({
      select: { id: true, redeemedCount: true, maxRedemptions: true },
    });
    for (const code of codes) {
      expect(code.redeemedCount).toBeLessThanOrEqual(code.maxRedemptions);
      expect(await deps.db.activationCodeRedemption.count({ where: { codeId: code.id } })).toBe(code.redeemedCount);
      expect(
        await deps.db.transaction.count({
          where: { type: "code_redemption", activationCodeId: code.id, amount: { gt: 0 } },
        }),
      ).toBe(code.redeemedCount);
    }
    // Refunds: each purchase refunded once.
    for (const { postingId } of purchases) {
      const refunds = await deps.db.transaction.count({
        where: { type: "refund", relatedTransaction: { postingId }, amount: { gt: 0 } },
      });
      expect(refunds).toBe(1);
    }
  }, 300_000);
});
