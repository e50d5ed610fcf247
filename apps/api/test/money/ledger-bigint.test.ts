/**
 * The ledger past 2^31 − 1 (decision 0066): the platform's counter-account sums every credit it
 * ever gave away. Printed codes at the largest value the admin may set (1,000,000 credits), redeemed
 * by one learner through the product, carry both the learner and the platform past the 32-bit
 * range; balances and balance_after stay exact, the API answers JSON numbers, and the books still
 * reconcile (postings sum to zero, each account's chain follows).
 */
import { authKeys, isBalanced, reconcileLedger, redeemActivationCode, toCredits } from "@sira/domain";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { type MoneyWorld, moneyWorld } from "./world.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "bigint");
let world: MoneyWorld;
let learner: SignedIn;

const INT4_MAX = 2 ** 31 - 1;
/** The most credits a code may carry (activationCodeBatchInput). */
const CODE_CREDITS = 1_000_000;
/** Codes whose sum passes 2^31 − 1: the last one crosses it. */
const CODES = Math.floor(INT4_MAX / CODE_CREDITS) + 1;

beforeEach(async () => {
  await resetState();
  world = await moneyWorld(deps, send);
  learner = await signIn(deps, { role: "learner" });
});
afterAll(closeTestDeps);

const platformAccount = () => deps.db.creditAccount.findFirstOrThrow({ where: { kind: "platform", userId: null } });

describe("ledger amounts past 2^31 − 1", () => {
  it("carries a counter-account and a learner past the 32-bit range, exactly, with balanced books", async () => {
    const batch = await send(world.admin, "POST", "/api/v1/admin/activation-codes/batches", {
      label: "Big cards",
      kind: "credits",
      credits: CODE_CREDITS,
      count: CODES,
    });
    expect(batch.status).toBe(201);
    const codes = ((await batch.json()) as { codes: { code: string }[] }).codes.map((c) => c.code);
    expect(codes).toHaveLength(CODES);

    // All but the last through the route's own function (the HTTP layer adds nothing to the ledger),
    // a few at a time as a learner's taps would overlap.
    const redeemDeps = { db: deps.db, pepper: authKeys(deps.config).pepper };
    const queue = codes.slice(0, -1);
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let code = queue.pop(); code; code = queue.pop()) {
          await redeemActivationCode(redeemDeps, learner.userId, code, { ip: "102.164.1.10", now: new Date() });
        }
      }),
    );
    const below = (CODES - 1) * CODE_CREDITS;
    expect(below).toBeLessThanOrEqual(INT4_MAX);
    expect((await platformAccount()).balance).toBe(BigInt(-below));

    // The code that crosses: on 32-bit columns this posting fails (500) for every caller.
    const crossing = await send(learner, "POST", "/api/v1/activation-codes/redeem", { code: codes.at(-1) });
    const total = CODES * CODE_CREDITS;
    expect(total).toBeGreaterThan(INT4_MAX);
    expect(crossing.status).toBe(200);
    const text = await crossing.text();
    expect(text).toContain(`"balance":${total}`);
    expect(JSON.parse(text)).toMatchObject({ kind: "credits", credits: CODE_CREDITS, balance: total });

    const platform = await platformAccount();
    expect(platform.balance).toBe(BigInt(-total));
    const lastPlatformRow = await deps.db.transaction.findFirstOrThrow({
      where: { accountId: platform.id },
      orderBy: { seq: "desc" },
    });
    expect(lastPlatformRow.balanceAfter).toBe(BigInt(-total));

    // The learner's reads: JSON numbers, exact.
    const balance = await send(learner, "GET", "/api/v1/credits/balance");
    expect(await balance.json()).toMatchObject({ balance: total, total_purchased: total, total_spent: 0 });
    const rows = await send(learner, "GET", "/api/v1/credits/transactions?limit=2");
    const page = (await rows.json()) as { items: { amount: number; balance_after: number }[]; total: number };
    expect(page.total).toBe(CODES);
    expect(page.items.map((r) => r.balance_after)).toEqual([total, total - CODE_CREDITS]);

    // Spending from a balance past 2^31: a course at the largest price an admin may set.
    const course = await makeCourse(deps.db);
    const price = 10_000_000;
    const priced = await send(world.admin, "PATCH", `/api/v1/admin/courses/${course.courseId}`, {
      price_credits: price,
    });
    expect(priced.status).toBe(200);
    const bought = await send(learner, "POST", `/api/v1/courses/${course.courseId}/purchase`, {});
    expect(bought.status).toBe(200);
    expect(await bought.json()).toMatchObject({ charged: true, price, balance: total - price });
    expect(toCredits((await platformAccount()).balance)).toBe(-total + price);

    const exported = await send(learner, "GET", "/api/v1/users/me/export");
    expect(exported.status).toBe(200);
    const data = (await exported.json()) as {
      credit_account: { balance: number; total_purchased: number };
      credit_transactions: { balance_after: number }[];
    };
    expect(data.credit_account).toMatchObject({ balance: total - price, total_purchased: total });
    expect(data.credit_transactions.map((t) => t.balance_after)).toContain(total);

    // The invariants, checked by the product's reconciliation and once more by hand.
    const drift = await reconcileLedger(deps.db);
    expect(drift).toEqual({ accounts: [], postings: [], negative: [], chains: 0 });
    expect(isBalanced(drift)).toBe(true);
    const check = await send(world.admin, "GET", "/api/v1/admin/ledger/reconciliation");
    expect(await check.json()).toMatchObject({ balanced: true });
    const [sums] = await deps.db.$queryRaw<{ postings: bigint; unbalanced: bigint; broken: bigint }[]>`
      SELECT (SELECT count(DISTINCT posting_id) FROM transactions) AS postings,
        (SELECT count(*) FROM (SELECT posting_id FROM transactions GROUP BY posting_id
          HAVING sum(amount) <> 0) p) AS unbalanced,
        (SELECT count(*) FROM (SELECT balance_after - amount
            - coalesce(lag(balance_after) OVER (PARTITION BY account_id ORDER BY seq), 0) AS gap
          FROM transactions) c WHERE gap <> 0) AS broken`;
    expect(sums).toEqual({ postings: BigInt(CODES + 1), unbalanced: 0n, broken: 0n });
  }, 600_000);
});

describe("toCredits", () => {
  it("reads bigint credits exactly and refuses what a JSON number cannot hold", () => {
    expect(toCredits(2n ** 31n)).toBe(2 ** 31);
    expect(toCredits(-(2n ** 40n))).toBe(-(2 ** 40));
    expect(toCredits(BigInt(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => toCredits(BigInt(Number.MAX_SAFE_INTEGER) + 1n)).toThrow(RangeError);
    expect(() => toCredits(-(2n ** 60n))).toThrow(RangeError);
  });
});
