/**
 * Guessing codes, tried as an attacker would against the API listening on a port: many guesses in
 * one tRPC batch, many guesses in parallel, and every account state × code shape compared for
 * anything that tells them apart (decision 0025).
 */

import { describe, expect, it } from "vitest";
import { codeAt } from "../../../test/totp-code.ts";
import { apiOnPort, countQueries } from "./helpers.ts";
import { emailCodeFor } from "./outbox.ts";

// One trusted proxy, so each table row below can come from its own client network.
const api = apiOnPort({ TRUST_PROXY_HOPS: "1" });
const { deps } = api;

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${api.base}${path}`, json(body, headers));

interface Enrolled {
  email: string;
  secret: string;
  backup: string[];
}

async function registered(email: string): Promise<Enrolled> {
  const res = await post("/api/v1/auth/register", {
    email,
    name: "Oumar Sow",
    preferred_language: "fr",
    country: "ML",
    professional_role: "technicien de laboratoire",
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { totp: { secret: string }; backup_codes: string[] };
  return { email, secret: body.totp.secret, backup: body.backup_codes };
}

async function active(email: string): Promise<Enrolled> {
  const account = await registered(email);
  const res = await post("/api/v1/auth/totp/confirm", {
    email,
    code: await codeAt(account.secret, -1),
    email_code: await emailCodeFor(deps.db, email),
  });
  expect(res.status).toBe(200);
  return account;
}

const waitOf = (res: Response) => Number(res.headers.get("retry-after"));
const failedChecks = () => deps.db.auditLog.count({ where: { action: "auth.login_failed" } });

interface TrpcError {
  error: { message: string; data: { code: string; httpStatus: number } };
}

describe("tRPC batches", () => {
  it("refuse 60 sign-in guesses in one request before checking any, in the asker's language", async () => {
    const victim = await active("victim@example.org");
    const guesses = Array.from({ length: 60 }, (_, i) => ({ email: victim.email, code: String(i).padStart(6, "0") }));
    const res = await fetch(
      `${api.base}/trpc/${Array(60).fill("auth.login").join(",")}?batch=1`,
      json(Object.fromEntries(guesses.map((g, i) => [i, g])), { "accept-language": "en" }),
    );
    expect(res.status).toBe(400);
    const answers = (await res.json()) as TrpcError[];
    expect(answers).toHaveLength(60);
    expect(new Set(answers.map((a) => a.error.data.code))).toEqual(new Set(["BATCH_TOO_LARGE"]));
    expect(answers[0]?.error.message).toBe("This tRPC batch is too large: send at most 10 calls per request.");
    // Not one code was checked or counted, and the owner signs in as usual.
    expect(await failedChecks()).toBe(0);
    expect(await deps.db.authThrottle.count({ where: { failureCount: { gt: 0 } } })).toBe(0);
    const owner = await post("/api/v1/auth/login", { email: victim.email, code: await codeAt(victim.secret) });
    expect(owner.status).toBe(200);
  });

  it("refuse any small batch holding an auth call, before any of its procedures runs", async () => {
    const victim = await active("victim@example.org");
    const res = await fetch(
      `${api.base}/trpc/auth.register,auth.login?batch=1`,
      json({
        0: {
          email: "newcomer@example.org",
          name: "Awa Traoré",
          preferred_language: "fr",
          country: "BF",
          professional_role: "sage-femme",
        },
        1: { email: victim.email, code: "123456" },
      }),
    );
    expect(res.status).toBe(400);
    const answers = (await res.json()) as TrpcError[];
    expect(answers.map((a) => [a.error.data.code, a.error.message])).toEqual(
      Array(2).fill([
        "AUTH_NOT_BATCHABLE",
        "Les appels de connexion (auth.*) ne peuvent pas être groupés : envoyez-les un par un.",
      ]),
    );
    expect(await deps.db.user.count({ where: { email: "newcomer@example.org" } })).toBe(0);
    expect(await failedChecks()).toBe(0);
  });

  it("still serve a sign-in call sent alone, batch=1 included, as httpBatchLink sends it", async () => {
    const victim = await active("victim@example.org");
    const res = await fetch(
      `${api.base}/trpc/auth.login?batch=1`,
      json({ 0: { email: victim.email, code: await codeAt(victim.secret) } }),
    );
    expect(res.status).toBe(200);
    const [answer] = (await res.json()) as { result: { data: { access_token: string } } }[];
    expect(answer?.result.data.access_token).toBeTruthy();
  });
});

describe("parallel guesses", () => {
  it("get no more checks than the same guesses one after another: 5 of 30, over REST", async () => {
    const victim = await active("victim@example.org");
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => post("/api/v1/auth/login", { email: victim.email, code: "000000" })),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
    // The first delay (30 s), give or take the second the parallel requests started apart.
    for (const a of answers.filter((r) => r.status === 429)) expect(waitOf(a)).toBeCloseTo(30, -1);
    expect(await failedChecks()).toBe(5);
  });

  it("get no more checks over tRPC either, and each refusal there carries Retry-After", async () => {
    const victim = await active("victim@example.org");
    const answers = await Promise.all(
      Array.from({ length: 30 }, () =>
        fetch(
          `${api.base}/trpc/auth.login`,
          json({ email: victim.email, code: "000000" }, { "accept-language": "en" }),
        ),
      ),
    );
    expect(answers.filter((a) => a.status === 401)).toHaveLength(5);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(25);
    const body = (await refused[0]?.json()) as TrpcError;
    expect(body.error.data.code).toBe("AUTH_LOCKED");
    for (const a of refused) expect(waitOf(a)).toBeCloseTo(30, -1);
    expect(await failedChecks()).toBe(5);
  });

  it("confirming an authenticator is throttled the same way", async () => {
    const pending = await registered("pending@example.org");
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => post("/api/v1/auth/totp/confirm", { email: pending.email, code: "000000" })),
    );
    expect(answers.filter((a) => a.status === 401)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(25);
    // The right code waits out the delay too.
    const right = await post("/api/v1/auth/totp/confirm", { email: pending.email, code: await codeAt(pending.secret) });
    expect(right.status).toBe(429);
  });
});

describe("every account state × every code shape", () => {
  // Every shape the login schema accepts: TOTP, backup codes with or without dash, any case, digits.
  const SHAPES = ["000000", "aaaaa-aaaaa", "AAAAA-AAAAA", "aaaaaaaaaa", "12345-67890", "1234567890"];

  it("answers the same 401 after the same statements, never a 500", async () => {
    const pending = await registered("pending@example.org");
    const disabled = await active("disabled@example.org");
    // What an admin's "disable" leaves behind: the account, its authenticator and its unspent codes.
    await deps.db.user.update({ where: { email: disabled.email }, data: { status: "disabled" } });
    await active("active@example.org");
    const states = {
      unknown: "nobody@example.org",
      pending: pending.email,
      disabled: disabled.email,
      active: "active@example.org",
    };

    const expected = {
      status: 401,
      code: "INVALID_CREDENTIALS",
      detail: "Adresse e-mail ou code incorrect.",
      retry: null,
    };
    for (const [row, code] of SHAPES.entries()) {
      const answers: Record<string, unknown>[] = [];
      for (const [state, email] of Object.entries(states)) {
        let res: Response | undefined;
        const statements = await countQueries(deps, async () => {
          res = await post("/api/v1/auth/login", { email, code }, { "x-forwarded-for": `102.164.${row}.9` });
        });
        const body = (await res?.json()) as { code: string; detail: string };
        const retry = res?.headers.get("retry-after");
        answers.push({ state, status: res?.status, code: body.code, detail: body.detail, retry, statements });
      }
      const statements = answers[0]?.statements;
      expect(answers, code).toEqual(answers.map(({ state }) => ({ ...expected, state, statements })));
    }
  });

  it("never spends the real backup code of an account that cannot sign in", async () => {
    const pending = await registered("pending@example.org");
    const disabled = await active("disabled@example.org");
    await deps.db.user.update({ where: { email: disabled.email }, data: { status: "disabled" } });
    for (const account of [pending, disabled]) {
      const res = await post("/api/v1/auth/login", { email: account.email, code: account.backup[0] });
      expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([401, "INVALID_CREDENTIALS"]);
    }
    expect(await deps.db.backupCode.count({ where: { usedAt: { not: null } } })).toBe(0);
  });
});
