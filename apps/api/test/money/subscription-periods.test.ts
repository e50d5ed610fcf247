/**
 * Each plan bought is its own period: a cheaper plan bought while a dearer one runs waits behind
 * it with its own allowance, a better one starts at once and the cheaper days left resume after
 * it, and the status says what runs now and what is queued. Paid by mobile money and by codes;
 * no day is lost and nothing is charged twice. The reminder goes out before the last period only.
 */
import { runSubscriptionSchedule, subscriptionStatus, tutorRemaining } from "@sira/domain";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { type MoneyWorld, moneyWorld, payIntent } from "./world.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "sub-periods");
let world: MoneyWorld;
let learner: SignedIn;

beforeEach(async () => {
  await resetState();
  world = await moneyWorld(deps, send);
  learner = await signIn(deps, { role: "learner", preferredLanguage: "fr" });
});
afterAll(closeTestDeps);

const DAY = 86_400_000;

type Period = { plan: string; starts_at: string; expires_at: string; daily_message_limit: number };
type Status = {
  plan: string | null;
  status: string;
  expires_at: string | null;
  daily_message_limit: number;
  current: Period | null;
  queued: Period[];
};

const status = async () => (await (await send(learner, "GET", "/api/v1/subscriptions/status")).json()) as Status;
const at = (from: number, days: number) => new Date(from + days * DAY);
const length = (p: Period) => Date.parse(p.expires_at) - Date.parse(p.starts_at);

/** The admin's premium (30 days, 100 a day, 10,000 XOF) and basic (30 days, 5 a day, 1,000 XOF) plans. */
async function premiumAndBasic() {
  for (const plan of [
    { slug: "premium", daily_message_limit: 100, price_amount: 10_000 },
    { slug: "basic", daily_message_limit: 5, price_amount: 1_000 },
  ]) {
    const res = await send(world.admin, "POST", "/api/v1/admin/subscription-plans", {
      name_fr: plan.slug,
      name_en: plan.slug,
      duration_days: 30,
      ...plan,
    });
    expect(res.status).toBe(201);
  }
}

const planCode = async (body: Record<string, unknown>) => {
  const res = await send(world.admin, "POST", "/api/v1/admin/activation-codes/batches", {
    label: "Plans",
    kind: "subscription",
    plan: world.planSlug,
    count: 1,
    ...body,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { codes: { code: string }[] }).codes[0]?.code as string;
};

describe("a cheaper plan bought while a dearer one runs", () => {
  it("waits behind it with its own allowance, and the reminder waits for the last period", async () => {
    await premiumAndBasic();
    const t0 = Date.now();
    await payIntent(deps, send, learner, { purpose: "subscription", plan: "premium" });
    for (let i = 0; i < 3; i++) await payIntent(deps, send, learner, { purpose: "subscription", plan: "basic" });

    const now = await status();
    expect(now).toMatchObject({ plan: "premium", status: "active", daily_message_limit: 100 });
    expect(now.current).toMatchObject({ plan: "premium", daily_message_limit: 100 });
    expect(now.queued.map((p) => [p.plan, p.daily_message_limit])).toEqual([
      ["basic", 5],
      ["basic", 5],
      ["basic", 5],
    ]);
    // One after the other, each its full 30 days: 120 days held, the last day reported as the end.
    const periods = [now.current as Period, ...now.queued];
    for (const [i, p] of periods.entries()) {
      expect(length(p)).toBe(30 * DAY);
      if (i > 0) expect(p.starts_at).toBe(periods[i - 1]?.expires_at);
    }
    expect(now.expires_at).toBe(periods[3]?.expires_at);
    expect(Date.parse(now.expires_at as string) - t0).toBeGreaterThan(119 * DAY);

    // Day 29: premium. Day 100: the basic days paid 1,000 XOF a month, at 5 messages a day.
    expect((await tutorRemaining(deps.db, learner.userId, at(t0, 29))).limit).toBe(100);
    const later = await subscriptionStatus(deps.db, learner.userId, at(t0, 100));
    expect(later).toMatchObject({ plan: "basic", daily_message_limit: 5 });
    expect(later.queued).toHaveLength(0);
    expect((await tutorRemaining(deps.db, learner.userId, at(t0, 100))).limit).toBe(5);
    expect(await deps.db.subscriptionPayment.count({ where: { userId: learner.userId, status: "confirmed" } })).toBe(4);

    // Premium's end is not the subscription's: no reminder then, one before the last basic day.
    const quiet = { db: deps.db, mailer: deps.mailer, logger: deps.logger };
    const premiumEnd = Date.parse(periods[0]?.expires_at as string);
    expect(await runSubscriptionSchedule(quiet, new Date(premiumEnd - 2 * DAY))).toEqual({ expired: 0, reminded: 0 });
    expect(await runSubscriptionSchedule(quiet, new Date(premiumEnd + 1000))).toEqual({ expired: 1, reminded: 0 });
    const end = Date.parse(now.expires_at as string);
    expect(await runSubscriptionSchedule(quiet, new Date(end - 40 * DAY))).toEqual({ expired: 1, reminded: 0 });
    expect(await runSubscriptionSchedule(quiet, new Date(end - 2 * DAY))).toEqual({ expired: 1, reminded: 1 });
    expect(await runSubscriptionSchedule(quiet, new Date(end - DAY))).toEqual({ expired: 0, reminded: 0 });
    expect(await runSubscriptionSchedule(quiet, new Date(end + 1000))).toEqual({ expired: 1, reminded: 0 });
    expect(await subscriptionStatus(deps.db, learner.userId, new Date(end + 1000))).toMatchObject({
      status: "none",
      current: null,
      queued: [],
    });
  });
});

describe("a better plan bought while a cheaper one runs", () => {
  it("starts at once, and the cheaper days left resume after it", async () => {
    await premiumAndBasic();
    await payIntent(deps, send, learner, { purpose: "subscription", plan: "basic" });
    const basic = (await status()).current as Period;
    const t1 = Date.now();
    await payIntent(deps, send, learner, { purpose: "subscription", plan: "premium" });

    const now = await status();
    expect(now).toMatchObject({ plan: "premium", daily_message_limit: 100 });
    const premium = now.current as Period;
    expect(Date.parse(premium.starts_at)).toBeGreaterThanOrEqual(t1);
    expect(length(premium)).toBe(30 * DAY);
    // The basic days not used yet come back after premium, to the millisecond.
    const [rest] = now.queued;
    expect(now.queued).toHaveLength(1);
    expect(rest).toMatchObject({ plan: "basic", daily_message_limit: 5, starts_at: premium.expires_at });
    const used = Date.parse(premium.starts_at) - Date.parse(basic.starts_at);
    expect(length(rest as Period)).toBe(30 * DAY - used);
    expect(now.expires_at).toBe(new Date(Date.parse(basic.expires_at) + 30 * DAY).toISOString());
    expect(await deps.db.subscriptionPayment.count({ where: { userId: learner.userId, status: "confirmed" } })).toBe(2);
    expect((await tutorRemaining(deps.db, learner.userId, at(t1, 45))).limit).toBe(5);
  });
});

describe("codes that change the daily allowance", () => {
  it("run a better code's days first and queue a cheaper code's after the rest", async () => {
    const month = await planCode({}); // 30 days, 50 a day
    const week = await planCode({ duration_days: 7, daily_message_limit: 80 });
    const slow = await planCode({ duration_days: 30, daily_message_limit: 10 });
    const redeem = async (code: string) => {
      const res = await send(learner, "POST", "/api/v1/activation-codes/redeem", { code });
      expect(res.status).toBe(200);
      return ((await res.json()) as { subscription: Period & { extended: boolean } }).subscription;
    };
    const t0 = Date.now();
    const first = await redeem(month);
    expect(first).toMatchObject({ daily_message_limit: 50, extended: false });

    const better = await redeem(week);
    expect(better).toMatchObject({ daily_message_limit: 80, extended: true });
    expect(Date.parse(better.starts_at)).toBeGreaterThanOrEqual(t0);
    expect(length(better)).toBe(7 * DAY);

    const worse = await redeem(slow);
    expect(worse).toMatchObject({ daily_message_limit: 10, extended: true });
    expect(worse.starts_at).toBe(new Date(Date.parse(first.expires_at) + 7 * DAY).toISOString());
    expect(length(worse)).toBe(30 * DAY);

    const now = await status();
    expect(now.current).toMatchObject({ daily_message_limit: 80, expires_at: better.expires_at });
    expect(now.queued.map((p) => p.daily_message_limit)).toEqual([50, 10]);
    expect(now.expires_at).toBe(worse.expires_at);
    // 30 + 7 + 30 days held; the week's 80 a day lasts its 7 days only.
    expect(Date.parse(now.expires_at as string) - Date.parse(first.starts_at)).toBe(67 * DAY);
    expect((await tutorRemaining(deps.db, learner.userId, at(t0, 10))).limit).toBe(50);
    expect((await tutorRemaining(deps.db, learner.userId, at(t0, 50))).limit).toBe(10);
  });
});
