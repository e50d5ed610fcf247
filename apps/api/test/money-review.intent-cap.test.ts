/**
 * Payment intents are bounded per learner. Each one holds a reference out of 29⁵ for good (they
 * are unique forever), and nothing limited how many a learner opened: a script at the request
 * rate could use the references up, after which opening an intent failed with a 500 for everyone.
 * A learner holds at most MAX_OPEN_INTENTS open ones; past that, 429 until one is paid or expires.
 */
import { MAX_OPEN_INTENTS } from "@sira/domain";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";
import { type MoneyWorld, moneyWorld, payIntent } from "./money/world.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "intent-cap");
let world: MoneyWorld;
let learner: SignedIn;

beforeEach(async () => {
  await resetState();
  world = await moneyWorld(deps, send);
  learner = await signIn(deps, { role: "learner" });
});
afterAll(closeTestDeps);

describe("open payment intents", () => {
  it("are capped per learner, and a paid one makes room", async () => {
    const open = () =>
      send(learner, "POST", "/api/v1/payments/intents", { purpose: "subscription", plan: world.planSlug });
    for (let i = 0; i < MAX_OPEN_INTENTS - 1; i++) expect((await open()).status).toBe(201);
    await payIntent(deps, send, learner, { purpose: "subscription", plan: world.planSlug });
    expect((await open()).status).toBe(201);
    const refused = await open();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await refused.json()).toMatchObject({ code: "RATE_LIMITED" });
    expect(await deps.db.paymentIntent.count({ where: { userId: learner.userId, status: "open" } })).toBe(
      MAX_OPEN_INTENTS,
    );
    // Another learner is not held back.
    const other = await signIn(deps, { role: "learner" });
    const theirs = await send(other, "POST", "/api/v1/payments/intents", {
      purpose: "credits",
      package_id: world.packageId,
    });
    expect(theirs.status).toBe(201);
  });
});
