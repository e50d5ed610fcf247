/**
 * Changing one field of a credit package or a plan changes that field only: a PATCH used to fill
 * the fields it left out with the create defaults, so withdrawing a package dropped its bonus, and
 * repricing a withdrawn package or plan put it back on sale.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";
import { type MoneyWorld, moneyWorld } from "./money/world.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "offer-patch");
let world: MoneyWorld;
let learner: SignedIn;

beforeEach(async () => {
  await resetState();
  world = await moneyWorld(deps, send);
  learner = await signIn(deps, { role: "learner" });
});
afterAll(closeTestDeps);

async function patch(path: string, body: Record<string, unknown>) {
  const res = await send(world.admin, "PATCH", path, body);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe("a partial change of an offer", () => {
  it("keeps a package's bonus, currency and order, and a withdrawn package stays withdrawn", async () => {
    const path = `/api/v1/admin/credit-packages/${world.packageId}`;
    await patch(path, { sort_order: 7, currency: "XAF" });
    expect(await patch(path, { is_active: false })).toMatchObject({
      credits: 1000,
      bonus_credits: 100,
      currency: "XAF",
      sort_order: 7,
      is_active: false,
    });
    expect(await patch(path, { price_amount: 6000 })).toMatchObject({
      is_active: false,
      bonus_credits: 100,
      price_amount: 6000,
    });
    const intent = await send(learner, "POST", "/api/v1/payments/intents", {
      purpose: "credits",
      package_id: world.packageId,
    });
    expect(intent.status).toBe(404);
    const forSale = (await (await send(learner, "GET", "/api/v1/credits/packages")).json()) as { items: unknown[] };
    expect(forSale.items).toEqual([]);
  });

  it("keeps a withdrawn plan off sale when its terms change", async () => {
    const plans = (await (await send(world.admin, "GET", "/api/v1/admin/subscription-plans")).json()) as {
      items: { id: string; slug: string }[];
    };
    const plan = plans.items.find((p) => p.slug === world.planSlug);
    const path = `/api/v1/admin/subscription-plans/${plan?.id}`;
    await patch(path, { is_active: false, sort_order: 3 });
    expect(await patch(path, { daily_message_limit: 80 })).toMatchObject({
      is_active: false,
      sort_order: 3,
      daily_message_limit: 80,
      duration_days: 30,
    });
    const intent = await send(learner, "POST", "/api/v1/payments/intents", {
      purpose: "subscription",
      plan: world.planSlug,
    });
    expect(intent.status).toBe(404);
  });
});
