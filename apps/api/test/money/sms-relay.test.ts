/**
 * The SMS relay through the real API: the merchant phone's signed posts, each operator's
 * confirmation matched to the learner's payment intent (by reference, or by a number that has
 * already paid for that learner and the amount), one credit per operator transaction however often
 * it arrives, the admin's review queue, and a 503 the phone retries on while the database is away.
 */
import {
  createPaymentIntent,
  creditBalance,
  relayDedupeHash,
  runSubscriptionSchedule,
  signRelayBody,
} from "@sira/domain";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { outboxMessage } from "../outbox.ts";

const SECRET = "relay-secret-0123456789abcdef";
const PATH = "/api/v1/sms-relay/inbound";
const { app, deps } = testApp({ SMS_RELAY_HMAC_SECRET: SECRET, RATE_LIMIT_PER_MINUTE: "100000" });
const send = jsonSender(app, "sms-relay");
afterAll(closeTestDeps);

interface World {
  admin: SignedIn;
  learner: SignedIn;
  packageId: string;
  planSlug: string;
}
let world: World;

/** An admin, a learner, a 1,000-credit package (+100 bonus) at 5,000 XOF and a 30-day plan at 2,000 XOF. */
beforeEach(async () => {
  await resetState();
  const admin = await signIn(deps, { role: "admin" });
  const learner = await signIn(deps, { role: "learner", preferredLanguage: "fr" });
  const pack = await send(admin, "POST", "/api/v1/admin/credit-packages", {
    slug: "pack-1000",
    name_fr: "Pack 1000",
    name_en: "Pack 1000",
    credits: 1000,
    bonus_credits: 100,
    price_amount: 5000,
  });
  expect(pack.status).toBe(201);
  const plan = await send(admin, "POST", "/api/v1/admin/subscription-plans", {
    slug: "mensuel",
    name_fr: "Mensuel",
    name_en: "Monthly",
    duration_days: 30,
    daily_message_limit: 50,
    price_amount: 2000,
  });
  expect(plan.status).toBe(201);
  world = { admin, learner, packageId: ((await pack.json()) as { id: string }).id, planSlug: "mensuel" };
});

function creditsIntent(user: SignedIn, phone?: string) {
  return createPaymentIntent(
    deps.db,
    user.userId,
    { purpose: "credits", package_id: world.packageId, ...(phone ? { phone } : {}) },
    "fr",
  );
}

let messageSeq = 0;

interface Relayed {
  device?: string;
  messageId?: string;
  sender?: string;
  receivedAt?: string;
  timestamp?: string;
  secret?: string;
}

/** The phone forwards `text` as it does: JSON body, signed over the timestamp and the raw body. */
async function relay(text: string, options: Relayed = {}) {
  messageSeq += 1;
  const payload = JSON.stringify({
    message_id: options.messageId ?? `sms-${messageSeq}`,
    sender: options.sender ?? "OrangeMoney",
    body: text,
    received_at: options.receivedAt ?? new Date().toISOString(),
  });
  const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
  const res = await app.request(PATH, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-relay-device": options.device ?? "relay-phone-1",
      "x-relay-timestamp": timestamp,
      "x-relay-signature": signRelayBody(options.secret ?? SECRET, timestamp, payload),
    },
    body: payload,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

const orange = (amount: string, transactionId: string, note: string, phone = "771234567") =>
  `Vous avez reçu un transfert de ${amount} FCFA du ${phone}. Ref: ${transactionId}. Motif: ${note}. Nouveau solde: 125 000 FCFA.`;

const balanceOf = (user: SignedIn) => creditBalance(deps.db, user.userId);

const waveWithoutNote = (transactionId: string) =>
  `Vous avez reçu 5.000F de Aminata Traoré (77 123 45 67). ID de transaction : ${transactionId}. Nouveau solde : 12.500F.`;

const mtn = (amount: string, note: string, transactionId: string) =>
  `Vous avez recu ${amount} XOF de KOFFI JEAN (22996000111) le 2026-05-18 16:00:00. Message de l'expediteur: ${note}. Votre nouveau solde est de 58,600 XOF. ID de transaction: ${transactionId}.`;

/** The learner's number proven: a payment from it, matched by the intent's reference (1,100 credits). */
async function provePhone(user: SignedIn, transactionId: string) {
  const intent = await creditsIntent(user);
  expect((await relay(orange("5000", transactionId, intent.reference))).body.status).toBe("matched");
}

const errorOf = async (id: unknown) =>
  (await deps.db.smsRelayMessage.findUniqueOrThrow({ where: { id: id as string } })).error;

describe("the relay's signature", () => {
  it("refuses a wrong signature and a stale timestamp with 401, and stores nothing", async () => {
    const wrong = await relay(orange("5000", "CI1", "x"), { secret: "not-the-secret" });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe("SMS_RELAY_SIGNATURE_INVALID");
    const stale = await relay(orange("5000", "CI2", "x"), {
      timestamp: String(Math.floor(Date.now() / 1000) - 6 * 60),
    });
    expect(stale.status).toBe(401);
    expect(stale.body.code).toBe("SMS_RELAY_TIMESTAMP_INVALID");
    expect(await deps.db.smsRelayMessage.count()).toBe(0);
  });

  it("refuses a body beyond 2,000 characters, once signed", async () => {
    const long = await relay("x".repeat(2001));
    expect(long.status).toBe(400);
    expect(long.body.code).toBe("VALIDATION_FAILED");
  });

  it("answers 503 while no secret is configured (fails closed)", async () => {
    const closed = testApp({ SMS_RELAY_HMAC_SECRET: "" });
    const res = await closed.app.request(PATH, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe("SMS_RELAY_NOT_CONFIGURED");
  });

  it("answers 503 with Retry-After while the database is away, so the phone sends it again", async () => {
    const down = testApp({
      SMS_RELAY_HMAC_SECRET: SECRET,
      DATABASE_URL: "postgresql://sira:sira@127.0.0.1:9/sira",
    });
    const payload = JSON.stringify({
      message_id: "down-1",
      sender: "Wave",
      body: "Votre solde est de 12.500F.",
      received_at: new Date().toISOString(),
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await down.app.request(PATH, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-relay-device": "relay-phone-1",
        "x-relay-timestamp": timestamp,
        "x-relay-signature": signRelayBody(SECRET, timestamp, payload),
      },
      body: payload,
    });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("30");
    expect(((await res.json()) as { code: string }).code).toBe("SERVICE_UNAVAILABLE");
  });
});

describe("payments matched to intents", () => {
  it("matches by reference: the learner's credits arrive, an email says so, the message is linked to the payment", async () => {
    const intent = await creditsIntent(world.learner);
    const res = await relay(orange("5 000", "CI240518.1532.A12345", intent.reference));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "matched", duplicate: false });
    expect(await balanceOf(world.learner)).toBe(1100);
    const payment = await deps.db.subscriptionPayment.findFirstOrThrow({ where: { userId: world.learner.userId } });
    expect(payment).toMatchObject({
      provider: "orange_money",
      operatorReference: "CI240518.1532.A12345",
      amount: 5000,
      smsRelayMessageId: res.body.id,
    });
    expect((await deps.db.paymentIntent.findUniqueOrThrow({ where: { id: intent.id } })).status).toBe("paid");
    const mail = await outboxMessage(deps.db, world.learner.email, "payments.received");
    expect(mail.textBody).toContain("1100 crédits");
    expect(mail.textBody).toContain("Orange Money");
  });

  it("answers a resend with the first outcome and credits once", async () => {
    const intent = await creditsIntent(world.learner);
    const text = orange("5000", "CI-RESEND-1", intent.reference);
    // A resend is the same SMS: its id, and the text and reception time it carries.
    const receivedAt = new Date().toISOString();
    const first = await relay(text, { messageId: "device-msg-7", receivedAt });
    const again = await relay(text, { messageId: "device-msg-7", receivedAt });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ id: first.body.id, status: "matched", duplicate: true });
    expect(await deps.db.smsRelayMessage.count()).toBe(1);
    expect(await balanceOf(world.learner)).toBe(1100);
  });

  it("credits once when the same operator transaction comes from a second phone", async () => {
    const intent = await creditsIntent(world.learner);
    const text = orange("5000", "CI-TWICE-1", intent.reference);
    const first = await relay(text, { device: "relay-phone-1" });
    const second = await relay(text, { device: "relay-phone-2" });
    expect(first.body.status).toBe("matched");
    expect(second.body).toMatchObject({ status: "ignored", duplicate: false });
    expect(await deps.db.subscriptionPayment.count()).toBe(1);
    expect(await balanceOf(world.learner)).toBe(1100);
    const stored = await deps.db.smsRelayMessage.findUniqueOrThrow({ where: { id: second.body.id as string } });
    expect(stored.error).toBe("duplicate_transaction");
  });

  it("credits once when two phones deliver the same transaction at the same moment", async () => {
    const intent = await creditsIntent(world.learner);
    const text = orange("5000", "CI-RACE-1", intent.reference);
    const both = await Promise.all([
      relay(text, { device: "relay-phone-1" }),
      relay(text, { device: "relay-phone-2" }),
    ]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect(both.map((r) => r.body.status).sort()).toEqual(["ignored", "matched"]);
    expect(await deps.db.subscriptionPayment.count()).toBe(1);
    expect(await balanceOf(world.learner)).toBe(1100);
  });

  it("takes the same text, sender and reception time from one phone as the same message, whatever its id", async () => {
    const receivedAt = new Date().toISOString();
    const first = await relay("Votre solde est de 12.500F.", { sender: "Wave", messageId: "a-1", receivedAt });
    const again = await relay("Votre solde est de 12.500F.", { sender: "Wave", messageId: "a-2", receivedAt });
    expect(again.body).toEqual({ id: first.body.id, status: "ignored", duplicate: true });
  });

  it("settles on a resend a message the database lost before settling it", async () => {
    const intent = await creditsIntent(world.learner);
    const text = orange("5000", "CI-RESUME-1", intent.reference);
    // As left by a request that stored and read the message, then lost the database.
    const receivedAt = new Date().toISOString();
    await deps.db.smsRelayMessage.create({
      data: {
        deviceId: "relay-phone-1",
        deviceMessageId: "resume-1",
        sender: "OrangeMoney",
        body: text,
        receivedAt: new Date(receivedAt),
        hmacVerified: true,
        dedupeHash: relayDedupeHash("relay-phone-1", { sender: "OrangeMoney", body: text, received_at: receivedAt }),
        status: "parsed",
        provider: "orange_money",
        parsedAmount: 5000,
        parsedCurrency: "XOF",
        parsedReference: intent.reference,
        parsedTransactionId: "CI-RESUME-1",
        parsedPhone: "771234567",
      },
    });
    const resent = await relay(text, { messageId: "resume-1", receivedAt });
    expect(resent.body).toMatchObject({ status: "matched", duplicate: true });
    expect(await balanceOf(world.learner)).toBe(1100);
  });

  it("matches by the payer's number and the exact amount when the note has no reference", async () => {
    await provePhone(world.learner, "CI-PROVE-1");
    await creditsIntent(world.learner, "+221 77 123 45 67");
    const res = await relay(waveWithoutNote("T_5JQK2ZP3XH4A"), { sender: "Wave" });
    expect(res.body.status).toBe("matched");
    expect(await balanceOf(world.learner)).toBe(2200);
  });

  it("never pays by number an intent whose learner has not paid from that number (one typed the victim's)", async () => {
    await provePhone(world.learner, "CI-VICTIM-1");
    const attacker = await signIn(deps, { role: "learner" });
    await creditsIntent(attacker, "+221 77 123 45 67");
    const res = await relay(waveWithoutNote("T_VICTIMPAYS1"), { sender: "Wave" });
    expect(res.body.status).toBe("review");
    expect(await errorOf(res.body.id)).toBe("no_intent");
    expect(await balanceOf(attacker)).toBe(0);
    expect(await balanceOf(world.learner)).toBe(1100);
  });

  it("leaves for review a payment whose reference matches no intent open when it was received, without trying the number", async () => {
    await provePhone(world.learner, "CI-LATE-0");
    // Opened yesterday: it lapsed (2 hours) long before the learner paid today.
    const late = await createPaymentIntent(
      deps.db,
      world.learner.userId,
      { purpose: "credits", package_id: world.packageId },
      "fr",
      new Date(Date.now() - 24 * 3600_000),
    );
    await runSubscriptionSchedule(deps);
    await creditsIntent(world.learner, "771234567");
    const res = await relay(orange("5000", "CI-LATE-1", late.reference));
    expect(res.body.status).toBe("review");
    expect(await errorOf(res.body.id)).toBe("no_intent");
    expect(await balanceOf(world.learner)).toBe(1100);
  });

  it("records MTN's own transaction id, so a payer's note cannot spoil the payment that really carries it", async () => {
    const intent = await createPaymentIntent(
      deps.db,
      world.learner.userId,
      { purpose: "subscription", plan: world.planSlug },
      "fr",
    );
    const decoy = await relay(mtn("100", "ID de transaction: 8765432110", "8765432199"), { sender: "MobileMoney" });
    expect(decoy.body.status).toBe("review");
    const real = await relay(mtn("2,000", intent.reference, "8765432110"), { sender: "MobileMoney" });
    expect(real.body.status).toBe("matched");
    const subscription = await deps.db.subscription.findFirstOrThrow({ where: { userId: world.learner.userId } });
    expect(subscription.status).toBe("active");
  });

  it("leaves for review, not ignored, a transaction id already reported with another amount or number", async () => {
    const intent = await creditsIntent(world.learner);
    expect((await relay(orange("5000", "CI-REUSED-1", intent.reference))).body.status).toBe("matched");
    const otherAmount = await relay(orange("4000", "CI-REUSED-1", "formation"));
    expect(otherAmount.body.status).toBe("review");
    expect(await errorOf(otherAmount.body.id)).toBe("transaction_id_reused");
    const first = await relay(orange("7000", "CI-REUSED-2", "formation"));
    expect(first.body.status).toBe("review");
    const otherNumber = await relay(orange("7000", "CI-REUSED-2", "formation", "781112233"));
    expect(otherNumber.body.status).toBe("review");
    expect(await errorOf(otherNumber.body.id)).toBe("transaction_id_reused");
    const sameAgain = await relay(orange("7000", "CI-REUSED-2", "formation"), { device: "relay-phone-2" });
    expect(sameAgain.body.status).toBe("ignored");
    expect(await balanceOf(world.learner)).toBe(1100);
  });

  it("leaves for review what matches no intent or several, and stores what is not a payment", async () => {
    // Two learners who have both paid from one phone (a family's): whose intent it pays is the
    // admin's call. (One learner's copies of one quote count as one: sms-relay-matching.test.ts.)
    const other = await signIn(deps, { role: "learner" });
    await provePhone(world.learner, "CI-PROVE-2");
    await provePhone(other, "CI-PROVE-3");
    await creditsIntent(world.learner, "771234567");
    await creditsIntent(other, "+221771234567");
    const several = await relay(orange("5000", "CI-AMBIG-1", "formation"));
    expect(several.body.status).toBe("review");
    const none = await relay(orange("7000", "CI-NONE-1", "formation"));
    expect(none.body.status).toBe("review");
    const advert = await relay("Profitez de 50% de bonus sur vos recharges ce week-end !");
    expect(advert.body.status).toBe("ignored");
    const cut = await relay("Vous avez reçu un transfert de 5000 FCFA du 7712");
    expect(cut.body.status).toBe("failed");
    const rows = await deps.db.smsRelayMessage.findMany({ orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.status, r.error])).toEqual([
      ["matched", null],
      ["matched", null],
      ["review", "several_intents"],
      ["review", "no_intent"],
      ["ignored", "not_a_payment"],
      ["failed", "transaction_id_missing"],
    ]);
    expect(rows.every((r) => r.dedupeHash.length === 64 && r.hmacVerified)).toBe(true);
    expect(await balanceOf(world.learner)).toBe(1100);
    expect(await balanceOf(other)).toBe(1100);
  });

  it("activates the plan a subscription intent was for", async () => {
    const intent = await createPaymentIntent(
      deps.db,
      world.learner.userId,
      { purpose: "subscription", plan: world.planSlug },
      "fr",
    );
    const res = await relay(
      `Vous avez recu 2,000 XOF de AMINATA TRAORE (22997123456) le 2026-05-18 15:32:10. Message de l'expediteur: ${intent.reference}. Votre nouveau solde est de 48,500 XOF. ID de transaction: 8765432109.`,
      { sender: "MobileMoney" },
    );
    expect(res.body.status).toBe("matched");
    const subscription = await deps.db.subscription.findFirstOrThrow({ where: { userId: world.learner.userId } });
    expect(subscription).toMatchObject({ plan: world.planSlug, status: "active", source: "sms" });
    const payment = await deps.db.subscriptionPayment.findFirstOrThrow({ where: { userId: world.learner.userId } });
    expect(payment).toMatchObject({ purpose: "subscription", subscriptionId: subscription.id, provider: "mtn_momo" });
  });
});

describe("the admin's review", () => {
  const messages = (query = "") => send(world.admin, "GET", `/api/v1/admin/sms-relay/messages${query}`);

  it("lists the inbox by status and operator, admins only", async () => {
    await relay(orange("7000", "CI-LIST-1", "formation"));
    await relay("Votre solde est de 12.500F.", { sender: "Wave" });
    const review = (await (await messages("?status=review")).json()) as {
      items: { provider: string }[];
      total: number;
    };
    expect(review.total).toBe(1);
    expect(review.items[0]?.provider).toBe("orange_money");
    const wave = (await (await messages("?provider=wave")).json()) as { items: { status: string }[] };
    expect(wave.items.map((m) => m.status)).toEqual(["ignored"]);
    expect((await send(world.learner, "GET", "/api/v1/admin/sms-relay/messages")).status).toBe(403);
    expect((await send(world.learner, "GET", "/api/v1/admin/payments")).status).toBe(403);
  });

  it("matches a message under review to an intent of the same amount, audited, and the credits arrive", async () => {
    const intent = await creditsIntent(world.learner);
    const smaller = await relay(orange("4000", "CI-MANUAL-0", "formation"));
    const wrongAmount = await send(world.admin, "POST", `/api/v1/admin/sms-relay/messages/${smaller.body.id}/match`, {
      intent_id: intent.id,
    });
    expect(wrongAmount.status).toBe(409);
    expect(((await wrongAmount.json()) as { code: string }).code).toBe("SMS_RELAY_AMOUNT_MISMATCH");

    // The learner wrote the reference wrong: no intent found by it, none by number (the intent has none).
    const pending = await relay(orange("5000", "CI-MANUAL-1", "K7M4QH"));
    expect(pending.body.status).toBe("review");
    const matched = await send(world.admin, "POST", `/api/v1/admin/sms-relay/messages/${pending.body.id}/match`, {
      intent_id: intent.id,
    });
    expect(matched.status).toBe(200);
    const view = (await matched.json()) as { status: string; payment_id: string };
    expect(view.status).toBe("matched");
    expect(await balanceOf(world.learner)).toBe(1100);
    const audit = await deps.db.auditLog.findFirstOrThrow({ where: { action: "sms_relay.matched" } });
    expect(audit).toMatchObject({ actorId: world.admin.userId, targetId: pending.body.id });

    const again = await send(world.admin, "POST", `/api/v1/admin/sms-relay/messages/${pending.body.id}/match`, {
      intent_id: intent.id,
    });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { code: string }).code).toBe("SMS_RELAY_NOT_IN_REVIEW");

    const payments = (await (
      await send(world.admin, "GET", "/api/v1/admin/payments?provider=orange_money")
    ).json()) as {
      items: { id: string; sms_relay_message_id: string; status: string }[];
    };
    expect(payments.items).toEqual([
      expect.objectContaining({ id: view.payment_id, sms_relay_message_id: pending.body.id, status: "confirmed" }),
    ]);
  });

  it("rejects a message under review with the reason, audited; a matched one cannot be rejected", async () => {
    const pending = await relay(orange("7000", "CI-REJECT-1", "formation"));
    const reject = (id: unknown) =>
      send(world.admin, "POST", `/api/v1/admin/sms-relay/messages/${id}/reject`, { reason: "Paiement personnel" });
    const rejected = await reject(pending.body.id);
    expect(rejected.status).toBe(200);
    expect(await rejected.json()).toMatchObject({ status: "rejected", error: "Paiement personnel" });
    const audit = await deps.db.auditLog.findFirstOrThrow({ where: { action: "sms_relay.rejected" } });
    expect(audit.targetId).toBe(pending.body.id);

    const intent = await creditsIntent(world.learner);
    const paid = await relay(orange("5000", "CI-REJECT-2", intent.reference));
    const refused = await reject(paid.body.id);
    expect(refused.status).toBe(409);
    expect(await balanceOf(world.learner)).toBe(1100);
  });
});
