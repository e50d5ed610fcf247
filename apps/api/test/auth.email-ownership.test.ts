/**
 * Email ownership (decision 0032), through the API listening on a port: an account becomes active
 * only with the code emailed to its address; whoever registers someone else's address first gets
 * nothing the owner does not hand them; grants and group adds by email reach only verified, active
 * accounts; auth emails have an hourly budget per address that parallel requests cannot beat, and
 * the answers never show it.
 */
import { AUTH_EMAILS_PER_HOUR, EMAIL_CODE_ATTEMPTS } from "@sira/domain";
import { describe, expect, it } from "vitest";
import { codeAt } from "../../../test/totp-code.ts";
import { apiOnPort, sendJson, signIn } from "./helpers.ts";
import { emailCodeFor, outboxMessage } from "./outbox.ts";
import { until } from "./workers.ts";

const api = apiOnPort({ RATE_LIMIT_PER_MINUTE: "100000" });
const { deps } = api;

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  sendJson(api.base, "POST", path, body, headers);

const VICTIM = "mariama.bah@example.org";
const profile = (email: string) => ({
  email,
  name: "Mariama Bah",
  preferred_language: "fr",
  country: "GN",
  professional_role: "infirmière",
});

async function register(email: string): Promise<{ secret: string }> {
  const res = await post("/api/v1/auth/register", profile(email));
  expect(res.status).toBe(201);
  return { secret: (res.body.totp as { secret: string }).secret };
}

const wrongCode = (right: string, n = 1) => String((Number(right) + n) % 100_000_000).padStart(8, "0");

describe("activation needs the code emailed to the address", () => {
  it("refuses a right TOTP code without the emailed code or with a wrong one, then activates and records the proof", async () => {
    const { secret } = await register(VICTIM);
    const emailCode = await emailCodeFor(deps.db, VICTIM);

    const without = await post("/api/v1/auth/totp/confirm", { email: VICTIM, code: await codeAt(secret) });
    expect([without.status, without.body.code]).toEqual([401, "INVALID_CREDENTIALS"]);
    const wrong = await post("/api/v1/auth/totp/confirm", {
      email: VICTIM,
      code: await codeAt(secret),
      email_code: wrongCode(emailCode),
    });
    expect([wrong.status, wrong.body.code]).toEqual([401, "INVALID_CREDENTIALS"]);
    expect((await deps.db.user.findUniqueOrThrow({ where: { email: VICTIM } })).status).toBe("pending_mfa");

    const ok = await post("/api/v1/auth/totp/confirm", {
      email: VICTIM,
      code: await codeAt(secret),
      email_code: `${emailCode.slice(0, 4)} ${emailCode.slice(4)}`,
    });
    expect(ok.status).toBe(200);
    const user = await deps.db.user.findUniqueOrThrow({ where: { email: VICTIM } });
    expect(user.status).toBe("active");
    expect(user.emailVerifiedAt).not.toBeNull();
    // Stored only as a keyed hash, and spent.
    const rows = await deps.db.emailVerification.findMany({ where: { userId: user.id } });
    expect(rows.map((r) => r.codeHash).join(" ")).not.toContain(emailCode);
    expect(rows.every((r) => r.usedAt !== null)).toBe(true);
  });

  it("answers a failed confirmation of a new address exactly like the decoy enrolment of a taken one", async () => {
    const active = await signIn(deps);
    await register("pending@example.org");
    const enrolments = {
      active: await register(active.email),
      pending: await register("pending@example.org"),
      fresh: await register(VICTIM),
    };
    const answers: Record<string, unknown[]> = {};
    for (const [state, { secret }] of Object.entries(enrolments)) {
      const email = state === "active" ? active.email : state === "pending" ? "pending@example.org" : VICTIM;
      for (const extra of [{}, { email_code: "12345678" }]) {
        await deps.db.authThrottle.deleteMany();
        const res = await post("/api/v1/auth/totp/confirm", { email, code: await codeAt(secret), ...extra });
        answers[`${state} ${Object.keys(extra)}`] = [res.status, res.body.code, res.body.detail];
      }
    }
    const decoy = [401, "INVALID_CREDENTIALS", "Adresse e-mail ou code incorrect."];
    expect(answers).toEqual(Object.fromEntries(Object.keys(answers).map((k) => [k, decoy])));
  });

  it("kills a code after five tries: the right code then fails too", async () => {
    const { secret } = await register(VICTIM);
    const emailCode = await emailCodeFor(deps.db, VICTIM);
    const code = await codeAt(secret);
    for (let n = 1; n <= EMAIL_CODE_ATTEMPTS; n++) {
      // Guesses come from the one holding the enrolment; the sign-in throttle is not what this tests.
      await deps.db.authThrottle.deleteMany();
      const guess = await post("/api/v1/auth/totp/confirm", {
        email: VICTIM,
        code,
        email_code: wrongCode(emailCode, n),
      });
      expect(guess.body.code).toBe("INVALID_CREDENTIALS");
    }
    await deps.db.authThrottle.deleteMany();
    const late = await post("/api/v1/auth/totp/confirm", { email: VICTIM, code, email_code: emailCode });
    expect(late.status).toBe(401);
    expect(late.body.code).toBe("INVALID_CREDENTIALS");
  });

  it("lets the owner take back an address someone else registered: recovery proves it and replaces the impostor's authenticator", async () => {
    const impostor = await register(VICTIM);
    // The owner registers too: same answer, and the email tells them an account exists.
    await register(VICTIM);
    const notice = await outboxMessage(deps.db, VICTIM, "auth.account_exists");
    expect(notice.textBody).toContain("/recover");

    expect((await post("/api/v1/auth/recovery/request", { email: VICTIM })).status).toBe(202);
    const link = await outboxMessage(deps.db, VICTIM, "auth.recovery");
    const token = /token=([A-Za-z0-9_-]+)/.exec(link.textBody)?.[1] as string;
    const recovered = await post("/api/v1/auth/recovery/confirm", { token });
    expect(recovered.status).toBe(200);
    const owner = (recovered.body.totp as { secret: string }).secret;

    // No emailed code needed any more: the link proved the address.
    const ok = await post("/api/v1/auth/totp/confirm", { email: VICTIM, code: await codeAt(owner) });
    expect(ok.status).toBe(200);
    const login = await post("/api/v1/auth/login", { email: VICTIM, code: await codeAt(impostor.secret, 1) });
    expect(login.body.code).toBe("INVALID_CREDENTIALS");
  });

  it("sends a new code on request, and the old one stops working", async () => {
    const { secret } = await register(VICTIM);
    const first = await emailCodeFor(deps.db, VICTIM);
    expect((await post("/api/v1/auth/email-code/request", { email: VICTIM })).status).toBe(202);
    const second = await until(
      () => emailCodeFor(deps.db, VICTIM),
      (c) => c !== first,
    );
    expect(second).not.toBe(first);
    const old = await post("/api/v1/auth/totp/confirm", {
      email: VICTIM,
      code: await codeAt(secret),
      email_code: first,
    });
    expect(old.body.code).toBe("INVALID_CREDENTIALS");
    const ok = await post("/api/v1/auth/totp/confirm", {
      email: VICTIM,
      code: await codeAt(secret),
      email_code: second,
    });
    expect(ok.status).toBe(200);
  });
});

describe("grants and group adds by email", () => {
  it("refuse a registered but unverified address, and reach the same account once it is verified", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const auth = { authorization: `Bearer ${admin.accessToken}` };
    const curriculum = await deps.db.curriculum.create({
      data: { slug: "prive", titleFr: "Privé", titleEn: "Private", status: "published", visibility: "private" },
    });
    const group = await deps.db.userGroup.create({ data: { name: "Cohorte" } });
    const { secret } = await register(VICTIM);

    const grant = await post(`/api/v1/admin/curricula/${curriculum.id}/access`, { user_email: VICTIM }, auth);
    expect(grant.status).toBe(400);
    expect(grant.body.errors).toEqual([
      expect.objectContaining({ field: "user_email", code: "not_found", message: expect.stringMatching(/verified/) }),
    ]);
    const add = await post(`/api/v1/admin/groups/${group.id}/members`, { emails: [VICTIM] }, auth);
    expect(add.status).toBe(200);
    expect(add.body).toMatchObject({ added: [], unknown_emails: [VICTIM] });
    expect(await deps.db.curriculumAccess.count()).toBe(0);
    expect(await deps.db.userGroupMember.count()).toBe(0);

    const emailCode = await emailCodeFor(deps.db, VICTIM);
    const confirmed = await post("/api/v1/auth/totp/confirm", {
      email: VICTIM,
      code: await codeAt(secret),
      email_code: emailCode,
    });
    expect(confirmed.status).toBe(200);
    const granted = await post(`/api/v1/admin/curricula/${curriculum.id}/access`, { user_email: VICTIM }, auth);
    expect(granted.body).toMatchObject({
      created: true,
      grant: { user: { id: (confirmed.body.user as { id: string }).id } },
    });
    const added = await post(`/api/v1/admin/groups/${group.id}/members`, { emails: [VICTIM] }, auth);
    expect(added.body).toMatchObject({ added: [(confirmed.body.user as { id: string }).id], unknown_emails: [] });
  });
});

describe("hourly budgets of auth emails per address", () => {
  const sent = (template: string) => deps.db.emailOutbox.count({ where: { toAddress: VICTIM, template } });
  /** Waits until the emails sent off the response path have settled at `n`. */
  const settled = async (template: string, n: number) => {
    await until(
      () => sent(template),
      (c) => c >= n,
    );
    await new Promise((r) => setTimeout(r, 300));
    return sent(template);
  };

  it("repeat registrations: each answers 201 with an enrolment, at most three notices an hour, in parallel too", async () => {
    await signIn(deps, { email: VICTIM });
    const answers = await Promise.all(Array.from({ length: 10 }, () => post("/api/v1/auth/register", profile(VICTIM))));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    expect(answers.every((a) => a.body.next_step === "confirm_totp")).toBe(true);
    expect(await settled("auth.account_exists", AUTH_EMAILS_PER_HOUR)).toBe(AUTH_EMAILS_PER_HOUR);
  });

  it("recovery: every request answers 202, at most three links an hour, in parallel too", async () => {
    await signIn(deps, { email: VICTIM });
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => post("/api/v1/auth/recovery/request", { email: VICTIM })),
    );
    expect(answers.map((a) => [a.status, a.body.status])).toEqual(Array(10).fill([202, "accepted"]));
    expect(await settled("auth.recovery", AUTH_EMAILS_PER_HOUR)).toBe(AUTH_EMAILS_PER_HOUR);
    expect(await deps.db.magicLinkToken.count()).toBe(AUTH_EMAILS_PER_HOUR);
  });

  it("email codes: registration's code counts, new codes stop at three an hour, in parallel too", async () => {
    await register(VICTIM);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => post("/api/v1/auth/email-code/request", { email: VICTIM })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    expect(await settled("auth.email_code", AUTH_EMAILS_PER_HOUR)).toBe(AUTH_EMAILS_PER_HOUR);
    // An unknown address answers the same and gets nothing.
    const unknown = await post("/api/v1/auth/email-code/request", { email: "nobody@example.org" });
    expect([unknown.status, unknown.body]).toEqual([202, { status: "accepted" }]);
  });
});
