/**
 * Subscriptions through the API: a plan paid by mobile money starts one (the tutor's daily limit
 * follows it), a second payment queues a period from its end, the schedule sends the 3-day reminder
 * once and ends it at its end date, and open payment intents expire.
 */
import { latestOutboxMessage, runSubscriptionSchedule } from "@sira/domain";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { type MoneyWorld, moneyWorld, payIntent } from "./world.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "subscriptions");
let world: MoneyWorld;
let learner: SignedIn;

beforeEach(async () => {
  await resetState();
  world = await moneyWorld(deps, send);
  learner = await signIn(deps, { role: "learner", preferredLanguage: "fr" });
});
afterAll(closeTestDeps);

const status = async () =>
  (await (await send(learner, "GET", "/api/v1/subscriptions/status")).json()) as {
    plan: string | null;
    status: string;
    expires_at: string | null;
    daily_message_limit: number;
    messages_left: number;
  };

const DAY = 86_400_000;

describe("subscriptions", () => {
  it("start with a paid plan, raise the tutor limit, and queue the next period from their end when paid again", async () => {
    expect(await status()).toMatchObject({ plan: null, status: "none", daily_message_limit: 5 });
    const t0 = Date.now();
    await payIntent(deps, send, learner, { purpose: "subscription", plan: world.planSlug });
    const first = await status();
    expect(first).toMatchObject({ plan: world.planSlug, status: "active", daily_message_limit: 50, messages_left: 50 });
    const end = Date.parse(first.expires_at as string);
    expect(end - t0).toBeGreaterThanOrEqual(30 * DAY - 5_000);
    expect(end - t0).toBeLessThanOrEqual(30 * DAY + 5_000);
    const remaining = (await (await send(learner, "GET", "/api/v1/tutor/remaining")).json()) as { limit: number };
    expect(remaining.limit).toBe(50);

    await payIntent(deps, send, learner, { purpose: "subscription", plan: world.planSlug });
    const second = await status();
    expect(Date.parse(second.expires_at as string)).toBe(end + 30 * DAY);
    // Each payment is its own period: the second waits behind the first (decision 0067).
    expect(await deps.db.subscription.count({ where: { userId: learner.userId } })).toBe(2);
    expect(await deps.db.subscriptionPayment.count({ where: { userId: learner.userId, status: "confirmed" } })).toBe(2);
  });

  it("remind once three days before the end, then end at the end date", async () => {
    await payIntent(deps, send, learner, { purpose: "subscription", plan: world.planSlug });
    const end = Date.parse((await status()).expires_at as string);
    const quiet = { db: deps.db, mailer: deps.mailer, logger: deps.logger };

    expect(await runSubscriptionSchedule(quiet, new Date(end - 5 * DAY))).toEqual({ expired: 0, reminded: 0 });
    expect(await runSubscriptionSchedule(quiet, new Date(end - 2 * DAY))).toEqual({ expired: 0, reminded: 1 });
    expect(await runSubscriptionSchedule(quiet, new Date(end - DAY))).toEqual({ expired: 0, reminded: 0 });
    const mail = await latestOutboxMessage(deps.db, learner.email);
    expect(mail).toMatchObject({ template: "subscription.reminder", language: "fr" });
    expect(mail?.subject).toContain("se termine dans 3 jours");

    expect(await runSubscriptionSchedule(quiet, new Date(end + 1_000))).toEqual({ expired: 1, reminded: 0 });
    const row = await deps.db.subscription.findFirstOrThrow({ where: { userId: learner.userId } });
    expect(row.status).toBe("expired");
  });

  it("close payment intents past their validity", async () => {
    const res = await send(learner, "POST", "/api/v1/payments/intents", {
      purpose: "credits",
      package_id: world.packageId,
    });
    const intent = (await res.json()) as { id: string; expires_at: string; reference: string; pay_to: unknown[] };
    expect(intent.reference).toMatch(/^[2-9A-HJKMNP-TW-Z]{6}$/);
    expect(intent.pay_to.length).toBeGreaterThan(0);
    const quiet = { db: deps.db, mailer: deps.mailer, logger: deps.logger };
    await runSubscriptionSchedule(quiet, new Date(Date.parse(intent.expires_at) + 1));
    const read = await send(learner, "GET", `/api/v1/payments/intents/${intent.id}`);
    expect(await read.json()).toMatchObject({ status: "expired" });
    const other = await signIn(deps, { role: "learner" });
    expect((await send(other, "GET", `/api/v1/payments/intents/${intent.id}`)).status).toBe(404);
  });
});
