/** Money test worlds built through the product: packages and plans by the admin API, credits by a paid intent. */
import { fulfilIntent } from "@sira/domain";
import { expect } from "vitest";
import type { AppDeps } from "../../src/app-types.ts";
import { type SignedIn, signIn } from "../helpers.ts";

type Send = (
  user: SignedIn,
  method: string,
  path: string,
  body?: unknown,
  lang?: string,
) => Response | Promise<Response>;

export interface MoneyWorld {
  admin: SignedIn;
  packageId: string;
  planSlug: string;
}

/** An admin, a 1,000-credit package (+100 bonus) at 5,000 XOF and a 30-day plan at 2,000 XOF. */
export async function moneyWorld(deps: AppDeps, send: Send): Promise<MoneyWorld> {
  const admin = await signIn(deps, { role: "admin" });
  const pack = await send(admin, "POST", "/api/v1/admin/credit-packages", {
    slug: `pack-${crypto.randomUUID().slice(0, 6)}`,
    name_fr: "Pack 1000",
    name_en: "Pack 1000",
    credits: 1000,
    bonus_credits: 100,
    price_amount: 5000,
  });
  expect(pack.status).toBe(201);
  const plan = await send(admin, "POST", "/api/v1/admin/subscription-plans", {
    slug: `mensuel_${crypto.randomUUID().slice(0, 6)}`,
    name_fr: "Mensuel",
    name_en: "Monthly",
    duration_days: 30,
    daily_message_limit: 50,
    price_amount: 2000,
  });
  expect(plan.status).toBe(201);
  return {
    admin,
    packageId: ((await pack.json()) as { id: string }).id,
    planSlug: ((await plan.json()) as { slug: string }).slug,
  };
}

let operatorSeq = 0;

/**
 * The learner opens an intent through the API and the payment arrives as the SMS matcher
 * delivers it (fulfilIntent, with a fresh operator transaction id).
 */
export async function payIntent(
  deps: AppDeps,
  send: Send,
  learner: SignedIn,
  body: { purpose: "credits"; package_id: string } | { purpose: "subscription"; plan: string },
): Promise<void> {
  const res = await send(learner, "POST", "/api/v1/payments/intents", body);
  expect(res.status).toBe(201);
  const intent = (await res.json()) as { id: string; amount: number; currency: string };
  operatorSeq += 1;
  await deps.db.$transaction((tx) =>
    fulfilIntent(
      tx,
      intent.id,
      {
        provider: "orange_money",
        operatorReference: `CI${Date.now()}.${operatorSeq}`,
        amount: intent.amount,
        currency: intent.currency,
        phone: "221771234567",
        smsRelayMessageId: null,
      },
      new Date(),
    ),
  );
}

/** A credit package bought by mobile money (see payIntent). */
export function buyCredits(deps: AppDeps, send: Send, learner: SignedIn, packageId: string): Promise<void> {
  return payIntent(deps, send, learner, { purpose: "credits", package_id: packageId });
}
