/**
 * The whole passwordless life cycle over REST, as a phone would do it: register, enrol an
 * authenticator (codes made by otplib as an app would), read the code emailed to the address,
 * confirm, sign in, refresh, sign out, lose the phone, recover by email through a real SMTP
 * server, and sign in again.
 */
import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { codeAt } from "../../../test/totp-code.ts";
import { closeTestDeps, resetState, testApp } from "./helpers.ts";
import { emailCodeIn } from "./outbox.ts";
import { type Inbox, startInbox } from "./smtp.ts";

let inbox: Inbox;
let app: ReturnType<typeof testApp>["app"];
let deps: ReturnType<typeof testApp>["deps"];

beforeAll(async () => {
  inbox = await startInbox();
  ({ app, deps } = testApp({ SMTP_URL: inbox.url, APP_BASE_URL: "https://app.sira.test" }));
});
beforeEach(() => resetState());
afterAll(async () => {
  await closeTestDeps();
  await inbox.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

/** A code as the authenticator app shows it `offsetSteps` 30-second steps from now. */

const profile = {
  email: "Fatou.Ndiaye@Example.org",
  name: "Fatou Ndiaye",
  preferred_language: "fr",
  country: "sn",
  professional_role: "sage-femme",
};

async function registerAndConfirm() {
  const reg = await post("/api/v1/auth/register", profile);
  expect(reg.status).toBe(201);
  const enrolment = (await reg.json()) as {
    totp: { secret: string; otpauth_uri: string; qr_svg: string };
    backup_codes: string[];
  };
  const mail = await inbox.next("fatou.ndiaye@example.org");
  const confirmed = await post("/api/v1/auth/totp/confirm", {
    email: profile.email,
    code: await codeAt(enrolment.totp.secret),
    email_code: emailCodeIn(mail.text),
  });
  expect(confirmed.status).toBe(200);
  return { enrolment, tokens: (await confirmed.json()) as Tokens };
}

interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  user: { id: string; role: string; preferred_language: string };
}

describe("registration and enrolment", () => {
  it("hands out a Sira TOTP enrolment with a QR code and ten backup codes, stored only as hashes", async () => {
    const res = await post("/api/v1/auth/register", profile);
    expect(res.status).toBe(201);
    const body = (await res.json()) as { totp: Record<string, string>; backup_codes: string[]; next_step: string };
    expect(body.next_step).toBe("confirm_totp");
    expect(body.totp.otpauth_uri).toMatch(/^otpauth:\/\/totp\/Sira:fatou\.ndiaye%40example\.org\?/);
    expect(body.totp.otpauth_uri).toContain(`secret=${body.totp.secret}`);
    expect(body.totp.otpauth_uri).toContain("issuer=Sira");
    expect(body.totp.qr_svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(new Set(body.backup_codes).size).toBe(10);

    const user = await deps.db.user.findUniqueOrThrow({
      where: { email: "fatou.ndiaye@example.org" },
      include: { totpCredential: true, backupCodes: true },
    });
    expect(user.country).toBe("SN");
    expect(user.status).toBe("pending_mfa");
    expect(Buffer.from(user.totpCredential?.secretCiphertext ?? []).toString()).not.toContain(body.totp.secret);
    const stored = user.backupCodes.map((c) => c.codeHash).join(" ");
    for (const code of body.backup_codes) expect(stored).not.toContain(code.replace("-", ""));
    await inbox.next("fatou.ndiaye@example.org"); // its code email, so later tests read their own
  });

  it("emails a confirmation code in the user's language, through SMTP, with its secret kept out of the stored copy", async () => {
    await post("/api/v1/auth/register", profile);
    const mail: ParsedMail = await inbox.next("fatou.ndiaye@example.org");
    expect(mail.subject).toBe("Votre code de confirmation Sira");
    const code = emailCodeIn(mail.text);
    expect(mail.html).toContain(`${code.slice(0, 4)} ${code.slice(4)}`);
    const stored = await deps.db.emailOutbox.findFirstOrThrow({ where: { template: "auth.email_code" } });
    expect(stored.textBody).not.toContain(`${code.slice(0, 4)} ${code.slice(4)}`);
  });

  it("activates the account when the first code is confirmed with the emailed code, and signs in", async () => {
    const { tokens } = await registerAndConfirm();
    expect(tokens.user.role).toBe("learner");
    const user = await deps.db.user.findUniqueOrThrow({ where: { id: tokens.user.id } });
    expect(user.status).toBe("active");
    expect(user.emailVerifiedAt).not.toBeNull();
    const sessions = await app.request("/api/v1/auth/sessions", {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(sessions.status).toBe(200);
    const list = (await sessions.json()) as { items: { current: boolean }[] };
    expect(list.items).toHaveLength(1);
    expect(list.items[0]?.current).toBe(true);
  });
});

describe("sign-in, refresh and sign-out", () => {
  it("signs in with a fresh code, rotates the refresh token, and revokes on logout", async () => {
    const { enrolment } = await registerAndConfirm();
    const login = await post("/api/v1/auth/login", {
      email: profile.email,
      code: await codeAt(enrolment.totp.secret, 1),
    });
    expect(login.status).toBe(200);
    const first = (await login.json()) as Tokens;

    const refreshed = await post("/api/v1/auth/refresh", { refresh_token: first.refresh_token });
    expect(refreshed.status).toBe(200);
    const second = (await refreshed.json()) as Tokens;
    expect(second.refresh_token).not.toBe(first.refresh_token);

    const out = await post("/api/v1/auth/logout", {}, { authorization: `Bearer ${second.access_token}` });
    expect(out.status).toBe(200);
    const after = await post("/api/v1/auth/refresh", { refresh_token: second.refresh_token });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { code: string }).code).toBe("REFRESH_TOKEN_INVALID");
  });

  it("signs in once with each backup code", async () => {
    const { enrolment } = await registerAndConfirm();
    const code = enrolment.backup_codes[3] as string;
    expect((await post("/api/v1/auth/login", { email: profile.email, code: code.toUpperCase() })).status).toBe(200);
    const again = await post("/api/v1/auth/login", { email: profile.email, code });
    expect(again.status).toBe(401);
    expect(((await again.json()) as { code: string }).code).toBe("INVALID_CREDENTIALS");
  });
});

describe("recovery by magic link", () => {
  it("emails a link in the user's language, which ends every session and re-enrols the authenticator", async () => {
    const { tokens } = await registerAndConfirm();
    const accepted = await post("/api/v1/auth/recovery/request", { email: profile.email });
    expect(accepted.status).toBe(202);
    const mail: ParsedMail = await inbox.next("fatou.ndiaye@example.org");
    expect(mail.subject).toMatch(/Sira/);
    expect(mail.text).toMatch(/valable 15\sminutes/);
    const link = /https:\/\/app\.sira\.test\/recover\?token=[A-Za-z0-9_-]+/.exec(mail.text ?? "")?.[0];
    expect(link).toBeDefined();
    expect(mail.html).toContain((link as string).replace(/&/g, "&amp;"));
    const token = new URL(link as string).searchParams.get("token") as string;

    const confirmed = await post("/api/v1/auth/recovery/confirm", { token });
    expect(confirmed.status).toBe(200);
    const enrolment = (await confirmed.json()) as { email: string; totp: { secret: string }; backup_codes: string[] };
    expect(enrolment.email).toBe("fatou.ndiaye@example.org");

    // The old session is gone; the new authenticator signs in after confirmation.
    expect((await post("/api/v1/auth/refresh", { refresh_token: tokens.refresh_token })).status).toBe(401);
    const reconfirmed = await post("/api/v1/auth/totp/confirm", {
      email: profile.email,
      code: await codeAt(enrolment.totp.secret),
    });
    expect(reconfirmed.status).toBe(200);

    const reused = await post("/api/v1/auth/recovery/confirm", { token });
    expect(reused.status).toBe(410);
    expect(((await reused.json()) as { code: string }).code).toBe("MAGIC_LINK_USED");
  });

  it("refuses an expired link", async () => {
    await registerAndConfirm();
    await post("/api/v1/auth/recovery/request", { email: profile.email });
    const mail = await inbox.next("fatou.ndiaye@example.org");
    const token = /token=([A-Za-z0-9_-]+)/.exec(mail.text ?? "")?.[1] as string;
    await deps.db.magicLinkToken.updateMany({
      data: { createdAt: new Date(Date.now() - 3_600_000), expiresAt: new Date(Date.now() - 60_000) },
    });
    const res = await post("/api/v1/auth/recovery/confirm", { token });
    expect(res.status).toBe(410);
    expect(((await res.json()) as { code: string }).code).toBe("MAGIC_LINK_EXPIRED");
  });
});
