/**
 * The emailed confirmation code (decision 0032) and the per-address email budget, on the real
 * database: parallel tries never get more comparisons, or more sends, than a serial run would.
 */
import { parseConfig } from "@sira/infra";
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { AUTH_EMAILS_PER_HOUR, takeAuthEmailQuota } from "../src/auth/email-quota.ts";
import { checkEmailCode, EMAIL_CODE_ATTEMPTS, issueEmailCode } from "../src/auth/email-verification.ts";
import { authKeys } from "../src/auth/keys.ts";

const db = createDb({ url: process.env.DATABASE_URL as string });
const pepper = authKeys(parseConfig(process.env)).pepper;
beforeEach(() => truncateAll(process.env.DATABASE_URL as string));
afterAll(() => db.$disconnect());

async function pendingUser(): Promise<string> {
  const user = await db.user.create({
    data: { email: "kadiatou@example.org", name: "Kadiatou", country: "ML", professionalRole: "nurse" },
  });
  return user.id;
}

describe("checkEmailCode", () => {
  it("counts each try before comparing: 20 parallel wrong tries use exactly the five allowed", async () => {
    const userId = await pendingUser();
    const now = new Date();
    const code = await db.$transaction((tx) => issueEmailCode(tx, pepper, userId, now));
    const wrong = String((Number(code) + 1) % 100_000_000).padStart(8, "0");
    const results = await Promise.all(Array.from({ length: 20 }, () => checkEmailCode(db, pepper, userId, wrong, now)));
    expect(results.every((r) => r === null)).toBe(true);
    const row = await db.emailVerification.findFirstOrThrow({ where: { userId } });
    expect(row.attempts).toBe(EMAIL_CODE_ATTEMPTS);
    expect(await checkEmailCode(db, pepper, userId, code, now)).toBeNull();
  });

  it("matches the newest code only, and not once it has expired", async () => {
    const userId = await pendingUser();
    const now = new Date();
    const first = await db.$transaction((tx) => issueEmailCode(tx, pepper, userId, now));
    const second = await db.$transaction((tx) => issueEmailCode(tx, pepper, userId, now));
    expect(await checkEmailCode(db, pepper, userId, first, now)).toBeNull();
    expect(await checkEmailCode(db, pepper, userId, second, new Date(now.getTime() + 31 * 60_000))).toBeNull();
    expect(await checkEmailCode(db, pepper, userId, second, now)).toEqual(expect.any(String));
  });
});

describe("takeAuthEmailQuota", () => {
  it("lets three sends per address and kind through an hour, however many ask at once", async () => {
    const now = new Date();
    const take = (kind: "recovery" | "account_exists", email: string, at = now) =>
      takeAuthEmailQuota(db, pepper, kind, email, at);
    const granted = await Promise.all(Array.from({ length: 25 }, () => take("recovery", "a@example.org")));
    expect(granted.filter(Boolean)).toHaveLength(AUTH_EMAILS_PER_HOUR);
    // Another kind and another address have their own budgets; the next hour starts afresh.
    expect(await take("account_exists", "a@example.org")).toBe(true);
    expect(await take("recovery", "b@example.org")).toBe(true);
    expect(await take("recovery", "A@example.org", new Date(now.getTime() + 59 * 60_000))).toBe(false);
    expect(await take("recovery", "a@example.org", new Date(now.getTime() + 61 * 60_000))).toBe(true);
  });
});
