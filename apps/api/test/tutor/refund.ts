/** What a failed paid tutor message leaves: its 2 credits back once, the day's count unused, the books balanced. */
import { isBalanced, reconcileLedger } from "@sira/domain";
import { expect } from "vitest";
import type { AppDeps } from "../../src/app-types.ts";
import type { SignedIn } from "../helpers.ts";

type Send = (user: SignedIn, method: string, path: string) => Response | Promise<Response>;

export async function expectPaidMessageGivenBack(deps: AppDeps, send: Send, learner: SignedIn, balance: number) {
  const res = await send(learner, "GET", "/api/v1/credits/balance");
  expect(((await res.json()) as { balance: number }).balance).toBe(balance);
  const rows = await deps.db.transaction.findMany({
    where: { account: { userId: learner.userId }, type: { in: ["tutor_usage", "refund"] } },
    select: { type: true, amount: true },
  });
  expect(rows.map((r) => [r.type, Number(r.amount)]).sort()).toEqual([
    ["refund", 2],
    ["tutor_usage", -2],
  ]);
  expect(await deps.db.tutorDailyUsage.findFirst({ where: { userId: learner.userId } })).toMatchObject({
    used: 0,
    paid: 0,
  });
  expect(isBalanced(await reconcileLedger(deps.db))).toBe(true);
}
