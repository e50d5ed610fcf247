/**
 * The same sign-in life cycle through the tRPC caller the PWA's server components use, with the
 * offline email outbox standing in for SMTP; errors carry the same stable codes as REST.
 */
import type { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { codeAt } from "../../../test/totp-code.ts";
import type { Actor } from "../src/app-types.ts";
import { closeTestDeps, resetState, testApp } from "./helpers.ts";
import { emailCodeFor, outboxMessage } from "./outbox.ts";
import { makeTestCaller } from "./trpc-caller.ts";
import { until } from "./workers.ts";

let deps: ReturnType<typeof testApp>["deps"];
beforeAll(() => {
  ({ deps } = testApp());
});
beforeEach(() => resetState());
afterAll(() => closeTestDeps());

const caller = (actor: Actor | null = null, lang: "fr" | "en" = "fr") =>
  makeTestCaller(deps, actor, { lang, clientIp: "10.1.2.3" });

/** The stable code a procedure failed with. */
async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const cause = (error as TRPCError).cause as { code?: string } | undefined;
    return cause?.code ?? (error as TRPCError).code;
  }
  throw new Error("expected the call to fail");
}

const EMAIL = "moussa.camara@example.org";

describe("auth over tRPC", () => {
  it("registers, confirms, signs in, refreshes, lists and ends sessions", async () => {
    const enrolment = await caller().auth.register({
      email: EMAIL,
      name: "Moussa Camara",
      preferred_language: "fr",
      country: "GN",
      professional_role: "infirmier",
      current_level: 2,
    });
    const code = await codeAt(enrolment.totp.secret);
    expect(await failure(caller().auth.confirmTotp({ email: EMAIL, code }))).toBe("INVALID_CREDENTIALS");
    const emailCode = await emailCodeFor(deps.db, EMAIL);
    const confirmed = await caller().auth.confirmTotp({ email: EMAIL, code, email_code: emailCode });
    const user = await deps.db.user.findUniqueOrThrow({ where: { email: EMAIL } });
    expect(user.currentLevel).toBe(2);
    expect(confirmed.user.id).toBe(user.id);

    // The very code that confirmed: recomputing it could cross a 30 s step and yield a fresh one.
    const replay = await failure(caller().auth.login({ email: EMAIL, code }));
    expect(replay).toBe("TOTP_CODE_REUSED");
    const signedIn = await caller().auth.login({ email: EMAIL, code: await codeAt(enrolment.totp.secret, 1) });
    const rotated = await caller().auth.refresh({ refresh_token: signedIn.refresh_token });
    // A quick retry of the same token gets the same successor (decision 0029)…
    expect((await caller().auth.refresh({ refresh_token: signedIn.refresh_token })).refresh_token).toBe(
      rotated.refresh_token,
    );
    // …but once that successor was rotated too, the old token is reuse and ends the session.
    const rotatedAgain = await caller().auth.refresh({ refresh_token: rotated.refresh_token });
    expect(await failure(caller().auth.refresh({ refresh_token: signedIn.refresh_token }))).toBe(
      "REFRESH_TOKEN_REUSED",
    );
    expect(await failure(caller().auth.refresh({ refresh_token: rotatedAgain.refresh_token }))).toBe(
      "REFRESH_TOKEN_INVALID",
    );

    const actor: Actor = {
      userId: user.id,
      role: "learner",
      preferredLanguage: "fr",
      country: "GN",
      sessionId: (await deps.db.refreshToken.findFirstOrThrow({ where: { userId: user.id, revokedAt: null } }))
        .familyId,
    };
    const { items } = await caller(actor).auth.sessions();
    expect(items).toHaveLength(1);
    expect(items[0]?.current).toBe(true);
    await caller(actor).auth.logout();
    expect((await caller(actor).auth.sessions()).items).toHaveLength(0);
  });

  it("recovers through the outbox link, which works once", async () => {
    const enrolment = await caller().auth.register({
      email: EMAIL,
      name: "Moussa Camara",
      preferred_language: "en",
      country: "GN",
      professional_role: "nurse",
    });
    // Codes leave off the response path: wait for the registration's before asking for a new one,
    // then for the new one, so the newest message is the live code whatever order they are written in.
    const first = await emailCodeFor(deps.db, EMAIL);
    await caller().auth.requestEmailCode({ email: EMAIL });
    expect(await caller().auth.requestEmailCode({ email: "nobody@example.org" })).toEqual({ status: "accepted" });
    const emailCode = await until(
      () => emailCodeFor(deps.db, EMAIL),
      (code) => code !== first,
    );
    await caller().auth.confirmTotp({ email: EMAIL, code: await codeAt(enrolment.totp.secret), email_code: emailCode });
    await caller().auth.requestRecovery({ email: EMAIL });
    const message = await outboxMessage(deps.db, EMAIL, "auth.recovery");
    expect(message?.subject).toBe("Recover access to your Sira account");
    const token = /token=([A-Za-z0-9_-]+)/.exec(message?.textBody ?? "")?.[1] as string;
    const fresh = await caller().auth.confirmRecovery({ token });
    expect(fresh.totp.secret).not.toBe(enrolment.totp.secret);
    expect(await failure(caller().auth.confirmRecovery({ token }))).toBe("MAGIC_LINK_USED");
    expect(await failure(caller().auth.confirmRecovery({ token: "x".repeat(43) }))).toBe("MAGIC_LINK_INVALID");
  });

  it("refuses bad input with field names, and protected procedures without a session", async () => {
    const bad = caller(null, "en").auth.register({
      email: "not-an-email",
      name: "X",
      preferred_language: "fr",
      country: "ZZ",
      professional_role: "x",
    });
    await expect(bad).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await failure(caller().auth.sessions())).toBe("UNAUTHENTICATED");
    const learner: Actor = {
      userId: crypto.randomUUID(),
      role: "learner",
      preferredLanguage: "fr",
      country: "SN",
      sessionId: crypto.randomUUID(),
    };
    expect(await failure(caller(learner).admin.revokeUserSessions({ user_id: learner.userId }))).toBe("FORBIDDEN");
  });
});
