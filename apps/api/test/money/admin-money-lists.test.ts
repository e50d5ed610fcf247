/**
 * What the admin picks from before acting on money: the intents a message under review may pay
 * (GET /api/v1/admin/sms-relay/messages/{id}/intents), the course purchases to refund
 * (GET /api/v1/admin/purchases) and the experts behind payout requests, over REST and tRPC, admins only.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { type AdminCaller, describeAdminRefusals } from "../admin-refusals.ts";
import { closeTestDeps, countQueries, jsonSender, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { callerAs } from "../trpc-caller.ts";
import { relaySms } from "./relay.ts";
import { buyCredits, type MoneyWorld, moneyWorld } from "./world.ts";

const SECRET = "admin-money-lists-relay-secret-0123";
const { app, deps } = testApp({ SMS_RELAY_HMAC_SECRET: SECRET, RATE_LIMIT_PER_MINUTE: "100000" });
const send = jsonSender(app, "admin-money-lists");
let world: MoneyWorld;
let learner: SignedIn;

beforeEach(async () => {
  await resetState();
  world = await moneyWorld(deps, send);
  learner = await signIn(deps, { role: "learner", name: "Fatou Ndiaye", preferredLanguage: "fr" });
});
afterAll(closeTestDeps);

const orange = (amount: string, transactionId: string, note: string, phone = "771234567") =>
  `Vous avez reçu un transfert de ${amount} FCFA du ${phone}. Ref: ${transactionId}. Motif: ${note}. Nouveau solde: 125 000 FCFA.`;

async function openIntent(user: SignedIn, body: Record<string, unknown>) {
  const res = await send(user, "POST", "/api/v1/payments/intents", body);
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; reference: string };
}

async function relayed(text: string, messageId: string): Promise<{ id: string; status: string }> {
  const res = await relaySms(app, SECRET, { device: "phone-1", messageId, body: text });
  return (await res.json()) as { id: string; status: string };
}

interface Candidates {
  items: { id: string; reference: string; status: string; phone_matches: boolean; learner: { name: string } }[];
  total: number;
}

describe("GET /api/v1/admin/sms-relay/messages/{id}/intents", () => {
  it("offers the open and expired intents of the message's amount, newest first, the sender's number marked", async () => {
    const other = await signIn(deps, { role: "learner", name: "Binta Diallo" });
    const withPhone = { purpose: "credits", package_id: world.packageId, phone: "+221 77 123 45 67" };
    const byPhone = await openIntent(learner, withPhone);
    const again = await openIntent(learner, withPhone);
    const second = await openIntent(other, { purpose: "credits", package_id: world.packageId });
    const expired = await openIntent(other, { purpose: "credits", package_id: world.packageId });
    await deps.db.paymentIntent.update({ where: { id: expired.id }, data: { status: "expired" } });
    await openIntent(learner, { purpose: "subscription", plan: world.planSlug });
    // A mistyped reference and two intents from the sender's number: the relay leaves it for review.
    const message = await relayed(orange("5000", "CI-CANDIDATES-1", "K7M4QH"), "sms-candidates-1");
    expect(message.status).toBe("review");

    const res = await send(world.admin, "GET", `/api/v1/admin/sms-relay/messages/${message.id}/intents`);
    expect(res.status).toBe(200);
    const listed = (await res.json()) as Candidates;
    expect(listed.items.map((i) => [i.id, i.status, i.phone_matches, i.learner.name])).toEqual([
      [expired.id, "expired", false, "Binta Diallo"],
      [second.id, "open", false, "Binta Diallo"],
      [again.id, "open", true, "Fatou Ndiaye"],
      [byPhone.id, "open", true, "Fatou Ndiaye"],
    ]);
    const narrowed = (await (
      await send(
        world.admin,
        "GET",
        `/api/v1/admin/sms-relay/messages/${message.id}/intents?reference=${second.reference.slice(0, 4).toLowerCase()}`,
      )
    ).json()) as Candidates;
    expect(narrowed.items.map((i) => i.id)).toEqual([second.id]);

    // The one picked pays it.
    const matched = await send(world.admin, "POST", `/api/v1/admin/sms-relay/messages/${message.id}/match`, {
      intent_id: byPhone.id,
    });
    expect(matched.status).toBe(200);
    const after = (await (
      await send(world.admin, "GET", `/api/v1/admin/sms-relay/messages/${message.id}/intents`)
    ).json()) as Candidates;
    expect(after.items.map((i) => i.id)).toEqual([expired.id, second.id, again.id]);
  });

  it("offers nothing for a message without an amount, and answers 404 for an unknown message", async () => {
    const message = await relayed("Votre solde est de 12.500F.", "sms-no-amount");
    const none = (await (
      await send(world.admin, "GET", `/api/v1/admin/sms-relay/messages/${message.id}/intents`)
    ).json()) as Candidates;
    expect(none).toMatchObject({ items: [], total: 0 });
    const missing = await send(
      world.admin,
      "GET",
      "/api/v1/admin/sms-relay/messages/6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b/intents",
      undefined,
      "fr",
    );
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: "NOT_FOUND" });
  });
});

interface Purchases {
  items: {
    posting_id: string;
    course: { id: string; title: string };
    learner: { id: string; name: string };
    price: number;
    refunded_at: string | null;
    refundable_until: string;
    purchased_at: string;
  }[];
  total: number;
}

describe("GET /api/v1/admin/purchases", () => {
  it("lists course purchases with the posting to refund, until when, and the refund once given", async () => {
    const expert = await signIn(deps, { role: "expert" });
    const first = await makeCourse(deps.db, { expertId: expert.userId });
    const second = await makeCourse(deps.db, { expertId: expert.userId });
    for (const course of [first, second]) {
      await deps.db.course.update({ where: { id: course.courseId }, data: { priceCredits: 300, isMarketplace: true } });
    }
    await buyCredits(deps, send, learner, world.packageId);
    for (const course of [first, second]) {
      expect((await send(learner, "POST", `/api/v1/courses/${course.courseId}/purchase`, {})).status).toBe(200);
    }

    const res = await send(world.admin, "GET", "/api/v1/admin/purchases", undefined, "fr");
    const listed = (await res.json()) as Purchases;
    expect(listed.total).toBe(2);
    expect(listed.items.map((p) => [p.course.id, p.learner.name, p.price, p.refunded_at])).toEqual([
      [second.courseId, "Fatou Ndiaye", 300, null],
      [first.courseId, "Fatou Ndiaye", 300, null],
    ]);
    const purchase = listed.items[1] as Purchases["items"][number];
    const window = new Date(purchase.refundable_until).getTime() - new Date(purchase.purchased_at).getTime();
    expect(window).toBe(7 * 86_400_000);

    const refund = await send(world.admin, "POST", `/api/v1/admin/purchases/${purchase.posting_id}/refund`, {});
    expect(refund.status).toBe(200);
    const filtered = (await (
      await send(world.admin, "GET", `/api/v1/admin/purchases?course_id=${first.courseId}`)
    ).json()) as Purchases;
    expect(filtered.items.map((p) => [p.posting_id, p.refunded_at !== null])).toEqual([[purchase.posting_id, true]]);

    const caller = await callerAs(deps, world.admin, { lang: "fr" });
    const page = await caller.admin.money.purchases({ page: 1, limit: 20 });
    expect(page.items.map((p) => p.refunded_at !== null)).toEqual([false, true]);

    // The expert's payout request names them to the admin who pays it.
    const asked = await send(expert, "POST", "/api/v1/expert/payouts", {
      credits: 50,
      provider: "wave",
      phone: "770001122",
    });
    expect(asked.status).toBe(201);
    const payouts = (await (await send(world.admin, "GET", "/api/v1/admin/payouts?status=requested")).json()) as {
      items: { credits: number; expert: { id: string; email: string } }[];
    };
    expect(payouts.items).toEqual([
      expect.objectContaining({
        credits: 50,
        expert: expect.objectContaining({ id: expert.userId, email: expert.email }),
      }),
    ]);
  });

  it("reads a page in the same number of statements whatever its size", async () => {
    const course = await makeCourse(deps.db, {});
    await deps.db.course.update({ where: { id: course.courseId }, data: { priceCredits: 10 } });
    await buyCredits(deps, send, learner, world.packageId);
    await send(learner, "POST", `/api/v1/courses/${course.courseId}/purchase`, {});
    const one = await countQueries(deps, async () => send(world.admin, "GET", "/api/v1/admin/purchases?limit=1"));
    for (let i = 0; i < 5; i++) {
      const buyer = await signIn(deps, { role: "learner" });
      await buyCredits(deps, send, buyer, world.packageId);
      await send(buyer, "POST", `/api/v1/courses/${course.courseId}/purchase`, {});
    }
    const six = await countQueries(deps, async () => send(world.admin, "GET", "/api/v1/admin/purchases?limit=100"));
    expect(six).toBe(one);
  });
});

const ID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

describeAdminRefusals({
  name: "the admin's money lists",
  app,
  deps,
  routes: [
    ["GET", `/api/v1/admin/sms-relay/messages/${ID}/intents`, undefined],
    ["GET", "/api/v1/admin/purchases", undefined],
  ],
  procedures: [
    ["sms.smsCandidates", (c: AdminCaller) => c.admin.sms.smsCandidates({ id: ID, page: 1, limit: 20 })],
    ["money.purchases", (c: AdminCaller) => c.admin.money.purchases({ page: 1, limit: 20 })],
  ],
  snapshot: () => Promise.all([deps.db.auditLog.count(), deps.db.transaction.count()]),
});
