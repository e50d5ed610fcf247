/**
 * Registering a taken address answers like a new one after the same work: the same statements
 * before the answer (an account, its sealed secret, ten hashed backup codes and an emailed code,
 * rolled back for the taken one), so how long the answer takes tells nothing. Nothing of the
 * placeholder account is kept.
 */
import { onQuery } from "@sira/infra/db";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, resetState, testApp } from "./helpers.ts";
import { outboxMessage } from "./outbox.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const PERSON = { name: "Awa Diallo", preferred_language: "fr", country: "SN", professional_role: "student" };

/** The emails either answer sends after it, and the notice's read of the owner: not part of the answer. */
const AFTER_ANSWER = /auth_email_quotas|email_outbox|FROM "public"."users" WHERE \("public"."users"."id" =/;

async function register(email: string) {
  await deps.usage.flush();
  const statements: string[] = [];
  const stop = onQuery(deps.db, (e) => statements.push(e.query));
  let res: Response;
  try {
    res = await app.request("/api/v1/auth/register", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, ...PERSON }),
    });
  } finally {
    stop();
  }
  const body = (await res.json()) as { totp: { otpauth_uri: string }; backup_codes: string[]; next_step: string };
  const work = statements
    .filter((s) => !AFTER_ANSWER.test(s))
    .map((s) => (s.trim() === "COMMIT" || s.trim() === "ROLLBACK" ? "END" : s))
    .sort();
  return { status: res.status, body, work };
}

describe("registration of a taken address", () => {
  it("does the same work as a new one before answering, and keeps none of it", async () => {
    const fresh = await register("new@example.org");
    await outboxMessage(deps.db, "new@example.org", "auth.email_code");
    const taken = await register("new@example.org");
    await outboxMessage(deps.db, "new@example.org", "auth.account_exists");

    expect(fresh.work.length).toBeGreaterThan(5);
    expect(taken.work).toEqual(fresh.work);
    // The same answer: an enrolment for the address asked, ten codes, the same next step.
    for (const answer of [fresh, taken]) {
      expect(answer.status).toBe(201);
      expect(answer.body.totp.otpauth_uri).toContain("new%40example.org");
      expect(answer.body.backup_codes).toHaveLength(10);
      expect(answer.body.next_step).toBe("confirm_totp");
    }
    expect(taken.body.backup_codes).not.toEqual(fresh.body.backup_codes);

    // Only the real account's rows exist; the placeholder's were rolled back.
    const user = await deps.db.user.findUniqueOrThrow({ where: { email: "new@example.org" } });
    expect(await deps.db.user.count()).toBe(1);
    expect(await deps.db.totpCredential.count()).toBe(1);
    expect(await deps.db.backupCode.count({ where: { userId: { not: user.id } } })).toBe(0);
    expect(await deps.db.backupCode.count()).toBe(10);
    expect(await deps.db.emailVerification.count()).toBe(1);
    const actions = (await deps.db.auditLog.findMany({ orderBy: { createdAt: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["auth.registered", "auth.register_existing_email"]);
  });
});
