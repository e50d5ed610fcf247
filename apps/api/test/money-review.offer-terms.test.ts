/**
 * An open payment intent delivers what the learner was quoted. The intent once kept only its
 * amount and read the credits or the plan's terms from the offer when the payment arrived: a
 * package changed from 1,000 to 3,000 credits then gave 3,100 credits for the old 5,000 XOF. The
 * intent now keeps the terms it quoted and its payment delivers them, whatever the offer became
 * (decision 0067); a change of price leaves it payable at its amount.
 */
import { fulfilIntent, isBalanced, reconcileLedger } from "@sira/domain";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";
import { type MoneyWorld, moneyWorld } from "./money/world.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "offer-terms");
let world: MoneyWorld;
let learner: SignedIn;
let seq = 0;

beforeEach(async () => {
  await resetState();
  world = await moneyWorld(deps, send);
  learner = await signIn(deps, { role: "learner" });
});
afterAll(closeTestDeps);

type Intent = { id: string; amount: number; currency: string; status: string };

async function open(body: Record<string, unknown>): Promise<Intent> {
  const res = await send(learner, "POST", "/api/v1/payments/intents", body);
  expect(res.status).toBe(201);
  return (await res.json()) as Intent;
}

/** The operator's confirmation of the intent's exact amount, as the SMS matcher delivers it. */
function pay(intent: Intent) {
  seq += 1;
  return deps.db.$transaction((tx) =>
    fulfilIntent(
      tx,
      intent.id,
      {
        provider: "wave",
        operatorReference: `T${Date.now()}${seq}`,
        amount: intent.amount,
        currency: intent.currency,
        phone: "221771234567",
        smsRelayMessageId: null,
      },
      new Date(),
    ),
  );
}

const balance = async () =>
  ((await (await send(learner, "GET", "/api/v1/credits/balance")).json()) as { balance: number }).balance;

async function planId(): Promise<string> {
  const plans = (await (await send(world.admin, "GET", "/api/v1/admin/subscription-plans")).json()) as {
    items: { id: string; slug: string }[];
  };
  return plans.items.find((p) => p.slug === world.planSlug)?.id as string;
}

describe("an offer changed while an intent is open", () => {
  it("does not give the new credits for the old price: the quoted ones", async () => {
    const intent = await open({ purpose: "credits", package_id: world.packageId });
    const res = await send(world.admin, "PATCH", `/api/v1/admin/credit-packages/${world.packageId}`, {
      credits: 3000,
      price_amount: 15_000,
    });
    expect(res.status).toBe(200);
    const seen = (await (await send(learner, "GET", `/api/v1/payments/intents/${intent.id}`)).json()) as Intent;
    expect(seen.status).toBe("open");
    await pay(intent);
    expect(await balance()).toBe(1100);
    expect(isBalanced(await reconcileLedger(deps.db))).toBe(true);
  });

  it("does not give a longer plan for the old price: the quoted one", async () => {
    const intent = await open({ purpose: "subscription", plan: world.planSlug });
    const res = await send(world.admin, "PATCH", `/api/v1/admin/subscription-plans/${await planId()}`, {
      duration_days: 365,
    });
    expect(res.status).toBe(200);
    await pay(intent);
    const subscription = await deps.db.subscription.findFirstOrThrow({ where: { userId: learner.userId } });
    expect(subscription.expiresAt.getTime() - subscription.startsAt.getTime()).toBe(30 * 86_400_000);
  });

  it("keeps an intent payable at its amount, with the quoted credits, when only the price changes", async () => {
    const intent = await open({ purpose: "credits", package_id: world.packageId });
    await send(world.admin, "PATCH", `/api/v1/admin/credit-packages/${world.packageId}`, { price_amount: 6000 });
    await send(world.admin, "PATCH", `/api/v1/admin/credit-packages/${world.packageId}`, { name_en: "Pack" });
    await pay(intent);
    expect(await balance()).toBe(1100);
    expect(isBalanced(await reconcileLedger(deps.db))).toBe(true);
  });
});
