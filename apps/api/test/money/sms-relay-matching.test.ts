/**
 * The SMS relay's matching, after the fourth review (decision 0067): an intent delivers the terms
 * it quoted whatever its offer became; an SMS received while its intent was open pays it however
 * late it is relayed; a double tap's two copies of one quote are one candidate; a device message id
 * reused with other content is a new message; only an operator's exact sender ids are operators.
 */
import {
  createPaymentIntent,
  creditBalance,
  receiveRelayMessage,
  runSubscriptionSchedule,
  signRelayBody,
} from "@sira/domain";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { type MoneyWorld, moneyWorld } from "./world.ts";

const SECRET = "relay-secret-0123456789abcdef";
const { app, deps } = testApp({ SMS_RELAY_HMAC_SECRET: SECRET, RATE_LIMIT_PER_MINUTE: "100000" });
const send = jsonSender(app, "sms-relay-matching");
afterAll(closeTestDeps);

let world: MoneyWorld;
let learner: SignedIn;
beforeEach(async () => {
  await resetState();
  world = await moneyWorld(deps, send);
  learner = await signIn(deps, { role: "learner" });
});

const DAY = 86_400_000;
let messageSeq = 0;

interface Relayed {
  sender?: string;
  messageId?: string;
  receivedAt?: Date;
}

/** The phone forwards `body` as it does: JSON, signed over the timestamp and the raw body. */
async function relay(body: string, options: Relayed = {}) {
  messageSeq += 1;
  const raw = JSON.stringify({
    message_id: options.messageId ?? `matching-${messageSeq}`,
    sender: options.sender ?? "OrangeMoney",
    body,
    received_at: (options.receivedAt ?? new Date()).toISOString(),
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const res = await app.request("/api/v1/sms-relay/inbound", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-relay-device": "relay-phone-1",
      "x-relay-timestamp": timestamp,
      "x-relay-signature": signRelayBody(SECRET, timestamp, raw),
    },
    body: raw,
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { id: string; status: string; duplicate: boolean };
}

const orange = (amount: string, transactionId: string, note: string, phone = "771234567") =>
  `Vous avez reçu un transfert de ${amount} FCFA du ${phone}. Ref: ${transactionId}. Motif: ${note}. Nouveau solde: 125 000 FCFA.`;

const wave = (note: string, transactionId: string) =>
  `Vous avez reçu 5.000F de Aminata Traoré (77 123 45 67). Message : ${note}. ID de transaction : ${transactionId}. Nouveau solde : 12.500F.`;

type Intent = { id: string; reference: string; status: string; credits: number | null };

async function openIntent(body: Record<string, unknown>): Promise<Intent> {
  const res = await send(learner, "POST", "/api/v1/payments/intents", body);
  expect(res.status).toBe(201);
  return (await res.json()) as Intent;
}

const intentStatus = async (id: string) => (await deps.db.paymentIntent.findUniqueOrThrow({ where: { id } })).status;
const errorOf = async (id: string) => (await deps.db.smsRelayMessage.findUniqueOrThrow({ where: { id } })).error;
const balance = () => creditBalance(deps.db, learner.userId);

async function planId(): Promise<string> {
  const plans = (await (await send(world.admin, "GET", "/api/v1/admin/subscription-plans")).json()) as {
    items: { id: string; slug: string }[];
  };
  return plans.items.find((p) => p.slug === world.planSlug)?.id as string;
}

/** The learner's number proven: a payment from 77 123 45 67, matched by its reference (1,100 credits). */
async function provePhone() {
  const intent = await openIntent({ purpose: "credits", package_id: world.packageId });
  expect((await relay(orange("5000", "CI-PROVE-1", intent.reference))).status).toBe("matched");
}

/** A logger that keeps what it is told. */
function recorder() {
  const lines: [string, string, unknown][] = [];
  return {
    lines,
    logger: {
      info: (fields: unknown, message?: string) => void lines.push(["info", message ?? "", fields]),
      warn: (fields: unknown, message?: string) => void lines.push(["warn", message ?? "", fields]),
    },
  };
}

describe("an intent delivers the terms it quoted", () => {
  it("gives the quoted 1,100 credits when the package was cut to 500 before the learner paid", async () => {
    const intent = await openIntent({ purpose: "credits", package_id: world.packageId });
    expect(intent.credits).toBe(1100);
    const patched = await send(world.admin, "PATCH", `/api/v1/admin/credit-packages/${world.packageId}`, {
      credits: 500,
    });
    expect(patched.status).toBe(200);
    // The learner's intent still says what it quoted, and still takes their payment.
    const seen = (await (await send(learner, "GET", `/api/v1/payments/intents/${intent.id}`)).json()) as Intent;
    expect(seen).toMatchObject({ status: "open", credits: 1100 });
    const sms = await relay(orange("5000", "CI-OLDTERMS-1", intent.reference));
    expect(sms.status).toBe("matched");
    expect(await balance()).toBe(1100);
    // A new intent quotes the new terms.
    expect((await openIntent({ purpose: "credits", package_id: world.packageId })).credits).toBe(600);
  });

  it("gives the quoted credits, not more, when the admin matches a payment after the package was raised", async () => {
    const intent = await openIntent({ purpose: "credits", package_id: world.packageId });
    const patched = await send(world.admin, "PATCH", `/api/v1/admin/credit-packages/${world.packageId}`, {
      credits: 3000,
    });
    expect(patched.status).toBe(200);
    // The learner wrote the reference wrong: the SMS waits for the admin.
    const sms = await relay(orange("5000", "CI-OLDTERMS-2", "K7M4QH"));
    expect(sms.status).toBe("review");
    const match = await send(world.admin, "POST", `/api/v1/admin/sms-relay/messages/${sms.id}/match`, {
      intent_id: intent.id,
    });
    expect(match.status).toBe(200);
    expect(await balance()).toBe(1100);
  });

  it("activates the plan's quoted length and daily messages when the plan changed before the payment", async () => {
    const intent = await openIntent({ purpose: "subscription", plan: world.planSlug });
    const patched = await send(world.admin, "PATCH", `/api/v1/admin/subscription-plans/${await planId()}`, {
      duration_days: 7,
      daily_message_limit: 5,
    });
    expect(patched.status).toBe(200);
    const sms = await relay(
      `Vous avez reçu un transfert de 2000 FCFA du 771234567. Ref: CI-PLAN-1. Motif: ${intent.reference}. Nouveau solde: 125 000 FCFA.`,
    );
    expect(sms.status).toBe("matched");
    const subscription = await deps.db.subscription.findFirstOrThrow({ where: { userId: learner.userId } });
    expect(subscription.dailyMessageLimit).toBe(50);
    // 30 days, as quoted (not 7).
    expect(subscription.expiresAt.getTime() - subscription.startsAt.getTime()).toBe(30 * DAY);
  });
});

describe("an SMS relayed late", () => {
  it("pays the intent that was open when the phone received it, though the schedule has closed it since", async () => {
    const opened = new Date(Date.now() - 3 * 3600_000);
    const intent = await createPaymentIntent(
      deps.db,
      learner.userId,
      { purpose: "credits", package_id: world.packageId },
      "fr",
      opened,
    );
    // The 15-minute schedule runs while the relay phone is out of network: the intent lapses.
    await runSubscriptionSchedule(deps);
    expect(await intentStatus(intent.id)).toBe("expired");
    const sms = await relay(orange("5000", "CI-OFFLINE-1", intent.reference), {
      receivedAt: new Date(opened.getTime() + 5 * 60_000),
    });
    expect(sms.status).toBe("matched");
    expect(await intentStatus(intent.id)).toBe("paid");
    expect(await balance()).toBe(1100);
  });
});

describe("a double tap's two intents", () => {
  it("pays the oldest of one learner's identical intents by number, and only when they quote the same terms", async () => {
    await provePhone();
    const first = await openIntent({ purpose: "credits", package_id: world.packageId, phone: "77 123 45 67" });
    const second = await openIntent({ purpose: "credits", package_id: world.packageId, phone: "77 123 45 67" });
    const sms = await relay(orange("5000", "CI-NOREF-1", "merci"));
    expect(sms.status).toBe("matched");
    expect(await intentStatus(first.id)).toBe("paid");
    expect(await intentStatus(second.id)).toBe("open");
    expect(await balance()).toBe(2200);
    // The package's bonus goes; a third intent quotes 1,000 credits beside the second's 1,100:
    // which one the payment is for is the admin's call.
    const patched = await send(world.admin, "PATCH", `/api/v1/admin/credit-packages/${world.packageId}`, {
      bonus_credits: 0,
    });
    expect(patched.status).toBe(200);
    await openIntent({ purpose: "credits", package_id: world.packageId, phone: "77 123 45 67" });
    const other = await relay(orange("5000", "CI-NOREF-2", "merci"));
    expect(other.status).toBe("review");
    expect(await errorOf(other.id)).toBe("several_intents");
    expect(await balance()).toBe(2200);
  });
});

describe("the device's message id", () => {
  it("is no resend when the content differs: a reinstalled relay app counts from 1 again", async () => {
    const intent = await openIntent({ purpose: "credits", package_id: world.packageId });
    const old = await relay("Votre solde est de 12.500F.", {
      sender: "Wave",
      messageId: "42",
      receivedAt: new Date(Date.now() - 30 * DAY),
    });
    expect(old.status).toBe("ignored");
    const text = orange("5000", "CI-REUSED-ID-1", intent.reference);
    const receivedAt = new Date();
    const paid = await relay(text, { messageId: "42", receivedAt });
    expect(paid).toMatchObject({ status: "matched", duplicate: false });
    expect(paid.id).not.toBe(old.id);
    expect(await balance()).toBe(1100);
    // The same message sent again is still a resend.
    const again = await relay(text, { messageId: "42", receivedAt });
    expect(again).toEqual({ id: paid.id, status: "matched", duplicate: true });
    expect(await deps.db.smsRelayMessage.count()).toBe(2);
    expect(await balance()).toBe(1100);
  });

  it("reused with another content is logged as a warning", async () => {
    const { lines, logger } = recorder();
    const relayDeps = { db: deps.db, mailer: deps.mailer, logger };
    const sms = (body: string) => ({ message_id: "7", sender: "Wave", body, received_at: new Date().toISOString() });
    await receiveRelayMessage(relayDeps, "relay-phone-1", sms("Votre solde est de 12.500F."), new Date());
    expect(lines.filter(([level]) => level === "warn")).toEqual([]);
    await receiveRelayMessage(relayDeps, "relay-phone-1", sms("Votre solde est de 9.000F."), new Date());
    expect(lines).toEqual([["warn", expect.stringContaining("message id already used"), expect.any(Object)]]);
  });
});

describe("the sender", () => {
  it("is an operator only when it is one of the operator's ids: 'WAVE-2' is not Wave", async () => {
    const intent = await openIntent({ purpose: "credits", package_id: world.packageId });
    const forged = await relay(wave(intent.reference, "T_FORGED0001"), { sender: "WAVE-2" });
    expect(forged.status).toBe("ignored");
    expect(await errorOf(forged.id)).toBe("unknown_sender");
    expect(await balance()).toBe(0);
    // The real sender, however the phone spaces or cases it.
    const real = await relay(wave(intent.reference, "T_REAL00001"), { sender: " WAVE " });
    expect(real.status).toBe("matched");
    expect(await balance()).toBe(1100);
  });

  it("unknown, with a payment's text, is logged as a warning; with any other text, as information", async () => {
    const { lines, logger } = recorder();
    const relayDeps = { db: deps.db, mailer: deps.mailer, logger };
    const sms = (sender: string, body: string) => ({
      message_id: crypto.randomUUID(),
      sender,
      body,
      received_at: new Date().toISOString(),
    });
    await receiveRelayMessage(
      relayDeps,
      "relay-phone-1",
      sms("Wave Promo", wave("K7M4QX", "T_FORGED0002")),
      new Date(),
    );
    await receiveRelayMessage(relayDeps, "relay-phone-1", sms("+221770000000", "On se voit ce soir ?"), new Date());
    expect(lines).toEqual([
      ["warn", expect.stringContaining("reads as a payment"), expect.objectContaining({ sender: "Wave Promo" })],
      ["info", expect.stringContaining("unknown sender"), expect.objectContaining({ sender: "(a phone number)" })],
    ]);
  });
});
