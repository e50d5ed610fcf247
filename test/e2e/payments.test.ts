/**
 * End to end, money with only real components: the API on a port and a BullMQ worker process on
 * PostgreSQL and Redis, the demo data loaded by its seed. A new learner meets the 402 of the
 * demo's paid marketplace course, opens a mobile-money intent, and the Orange Money confirmation
 * SMS arrives signed as the relay phone sends it; the credits come, the purchase enrolls, the
 * expert's earning and the platform's commission are posted; a printed plan code then raises the
 * tutor limit, and the subscription job ends it at its end date.
 */

import { seedDemo } from "@sira/demo";
import { reconcileLedger, runSubscriptionSchedule, signRelayBody } from "@sira/domain";
import { loadConfig } from "@sira/infra";
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeTestDeps, type SignedIn, signIn, testDeps } from "../../apps/api/test/helpers.ts";
import { callJson } from "./http.ts";
import { type Stack, startStack } from "./processes.ts";

const SECRET = "e2e-relay-secret-0123456789";
const db = createDb({ url: process.env.DATABASE_URL as string });
let stack: Stack;
let admin: SignedIn;
let learner: SignedIn;
let expert: SignedIn;

const call = <T>(path: string, init: Parameters<typeof callJson>[2] = {}) => callJson<T>(stack.base, path, init);

beforeAll(async () => {
  await truncateAll(process.env.DATABASE_URL as string);
  const deps = testDeps();
  await seedDemo(db, loadConfig());
  admin = await signIn(deps, { role: "admin" });
  learner = await signIn(deps, { role: "learner", preferredLanguage: "fr", country: "SN" });
  const demoExpert = await db.user.findUniqueOrThrow({ where: { email: "ibrahima.kane@sira.demo" } });
  expert = { ...(await signIn(deps, { role: "expert" })), userId: demoExpert.id };
  stack = await startStack({ SMS_RELAY_HMAC_SECRET: SECRET });
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  await db.$disconnect();
  await closeTestDeps();
});

/** What the relay phone sends for one received SMS: the JSON body, signed over timestamp and body. */
async function relay(body: string, messageId: string, receivedAt = new Date().toISOString()) {
  const raw = JSON.stringify({
    message_id: messageId,
    sender: "OrangeMoney",
    body,
    received_at: receivedAt,
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  return fetch(`${stack.base}/api/v1/sms-relay/inbound`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-relay-device": "dakar-caisse-1",
      "x-relay-timestamp": timestamp,
      "x-relay-signature": signRelayBody(SECRET, timestamp, raw),
    },
    body: raw,
  });
}

describe("paying with mobile money, end to end", () => {
  it("turns an Orange Money SMS into credits, a marketplace sale, and a plan code into a higher tutor limit", async () => {
    const paid = await db.course.findUniqueOrThrow({ where: { slug: "gestion-financiere-cooperatives" } });
    expect(paid).toMatchObject({ priceCredits: 500, isMarketplace: true, expertId: expert.userId });

    // 1. The paid course answers 402 with its price, the balance and where to buy.
    const refused = await call<{ code: string; price: number; balance: number; buy_credits_url: string }>(
      `/api/v1/courses/${paid.id}/enroll`,
      { method: "POST", as: learner, headers: { "accept-language": "fr" } },
    );
    expect(refused.status).toBe(402);
    expect(refused.body).toMatchObject({ code: "PAYMENT_REQUIRED", price: 500, balance: 0 });

    // 2. An intent for the demo's "standard" package.
    const packages = await call<{ items: { id: string; slug: string; price_amount: number }[] }>(
      refused.body.buy_credits_url,
      { as: learner },
    );
    const standard = packages.body.items.find((p) => p.slug === "standard");
    expect(standard?.price_amount).toBe(5000);
    const intent = await call<{ reference: string; amount: number; pay_to: { provider: string }[] }>(
      "/api/v1/payments/intents",
      { method: "POST", as: learner, body: JSON.stringify({ purpose: "credits", package_id: standard?.id }) },
    );
    expect(intent.status).toBe(201);
    expect(intent.body.pay_to.map((p) => p.provider)).toContain("orange_money");

    // 3. The merchant phone forwards Orange Money's confirmation, signed; a resend (the same SMS,
    // with its reception time) changes nothing.
    const sms =
      `Vous avez reçu un transfert de ${intent.body.amount} FCFA du 771234567. Ref: CI241204.1200.E2E001. ` +
      `Motif: ${intent.body.reference}. Nouveau solde: 125 000 FCFA.`;
    const receivedAt = new Date().toISOString();
    const first = await relay(sms, "android-sms-1", receivedAt);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ status: "matched", duplicate: false });
    expect(await (await relay(sms, "android-sms-1", receivedAt)).json()).toMatchObject({ duplicate: true });

    // 4. The credits arrive: 1,000 and the 100 bonus.
    const balance = await call<{ balance: number; total_purchased: number }>("/api/v1/credits/balance", {
      as: learner,
    });
    expect(balance.body).toMatchObject({ balance: 1100, total_purchased: 1100 });

    // 5. The purchase enrolls.
    const bought = await call<{ charged: boolean; balance: number; enrollment: { status: string } }>(
      `/api/v1/courses/${paid.id}/purchase`,
      { method: "POST", as: learner },
    );
    expect(bought.body).toMatchObject({ charged: true, balance: 600, enrollment: { status: "active" } });

    // 6. The expert's earning and the platform's commission are posted with the sale.
    const sale = await db.transaction.findMany({
      where: { courseId: paid.id },
      select: { type: true, amount: true, account: { select: { userId: true, kind: true } } },
    });
    expect(sale.map((row) => ({ ...row, amount: Number(row.amount) }))).toEqual(
      expect.arrayContaining([
        { type: "course_purchase", amount: -500, account: { userId: learner.userId, kind: "user" } },
        { type: "course_earning", amount: 350, account: { userId: expert.userId, kind: "user" } },
        { type: "commission", amount: 150, account: { userId: null, kind: "platform" } },
      ]),
    );

    // 7. A printed plan code activates a subscription that raises the tutor limit.
    const batch = await call<{ codes: { code: string }[] }>("/api/v1/admin/activation-codes/batches", {
      method: "POST",
      as: admin,
      body: JSON.stringify({ kind: "subscription", plan: "mensuel", count: 3, label: "Revendeurs Dakar" }),
    });
    expect(batch.status).toBe(201);
    const printed = batch.body.codes[0]?.code as string;
    const before = await call<{ limit: number }>("/api/v1/tutor/remaining", { as: learner });
    expect(before.body.limit).toBe(5);
    const activated = await call<{ plan: string; expires_at: string; daily_message_limit: number }>(
      "/api/v1/subscriptions/activate",
      { method: "POST", as: learner, body: JSON.stringify({ code: printed.toLowerCase().replaceAll("-", " ") }) },
    );
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({ plan: "mensuel", daily_message_limit: 50 });
    const raised = await call<{ limit: number }>("/api/v1/tutor/remaining", { as: learner });
    expect(raised.body.limit).toBe(50);
    const status = await call<{ status: string; plan: string }>("/api/v1/subscriptions/status", { as: learner });
    expect(status.body).toMatchObject({ status: "active", plan: "mensuel" });

    // 8. The subscription job, run at the end date, ends it; the limit falls back to the free tier.
    const end = new Date(Date.parse(activated.body.expires_at) + 1_000);
    const run = await runSubscriptionSchedule({ db, mailer: testDeps().mailer, logger: testDeps().logger }, end);
    expect(run.expired).toBe(1);
    const after = await call<{ status: string }>("/api/v1/subscriptions/status", { as: learner });
    expect(after.body.status).toBe("none");
    expect((await call<{ limit: number }>("/api/v1/tutor/remaining", { as: learner })).body.limit).toBe(5);

    expect(await reconcileLedger(db)).toEqual({ accounts: [], postings: [], negative: [], chains: 0 });
  }, 120_000);
});
