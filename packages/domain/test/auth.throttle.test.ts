/**
 * Sign-in delays (decision 0025): attempts are reserved before the code is checked, delays grow per
 * account and per account + network instead of a hard lock, and the owner always gets in with the
 * right code once the delay has run. The clock is the request's `now`, moved forward by the test.
 */
import { AppError } from "@sira/contracts";
import { createLogger, createRedis, parseConfig } from "@sira/infra";
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { generate } from "otplib";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { confirmTotp, login, register } from "../src/auth/index.ts";
import { networkKey } from "../src/auth/network.ts";
import { redisSessionDenylist } from "../src/auth/revocation.ts";
import { delayAfterSeconds, purgeForgottenThrottles, THROTTLE_POLICY } from "../src/auth/throttle.ts";
import { latestOutboxMessage, outboxMailer } from "../src/email/index.ts";
import { createUsageRecorder } from "../src/usage/recorder.ts";

const db = createDb({ url: process.env.DATABASE_URL as string });
const config = parseConfig(process.env);
const logger = createLogger("test", "silent");
const mailer = outboxMailer(db, logger);
const redis = createRedis(process.env.REDIS_URL);
const denylist = redisSessionDenylist(redis, config, logger, db);
const usage = createUsageRecorder(db, logger, config);

beforeEach(() => truncateAll(process.env.DATABASE_URL as string));
afterAll(async () => {
  await usage.close();
  redis.disconnect();
  await db.$disconnect();
});

const EMAIL = "fatou.ndiaye@example.org";
const T0 = new Date("2026-12-03T09:00:00Z");
const at = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000);
const envAt = (now: Date, ip = "197.149.1.10") => ({
  db,
  config,
  logger,
  mailer,
  denylist,
  meta: { ip, userAgent: "vitest", requestId: null, now },
  usage,
});
const codeAt = (secret: string, now: Date) => generate({ secret, epoch: Math.floor(now.getTime() / 1000) });

/** Registers and confirms through the product's own flow (emailed code included); returns the secret. */
async function activeAccount(): Promise<string> {
  const enrolment = await register(envAt(at(T0, -600)), {
    email: EMAIL,
    name: "Fatou Ndiaye",
    preferred_language: "fr",
    country: "SN",
    professional_role: "sage-femme",
  });
  let message = await latestOutboxMessage(db, EMAIL);
  for (let i = 0; !message && i < 100; i++) {
    await new Promise((r) => setTimeout(r, 50)); // the code is emailed off the response path
    message = await latestOutboxMessage(db, EMAIL);
  }
  const digits = /\b(\d{4}) (\d{4})\b/.exec(message?.textBody ?? "");
  if (!digits) throw new Error("no emailed code");
  const confirmAt = at(T0, -120);
  await confirmTotp(envAt(confirmAt), {
    email: EMAIL,
    code: await codeAt(enrolment.totp.secret, confirmAt),
    email_code: `${digits[1]}${digits[2]}`,
  });
  return enrolment.totp.secret;
}

/** The outcome of one sign-in attempt: "ok", an error code, and the Retry-After it carried. */
async function attempt(now: Date, code: string, ip?: string): Promise<{ outcome: string; retry?: number }> {
  try {
    await login(envAt(now, ip), { email: EMAIL, code });
    return { outcome: "ok" };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return {
      outcome: error.code,
      ...(error.retryAfterSeconds === undefined ? {} : { retry: error.retryAfterSeconds }),
    };
  }
}

describe("networkKey", () => {
  it.each([
    ["an IPv4 address as is", "197.149.1.10", "197.149.1.10"],
    ["an IPv4-mapped IPv6 address as its IPv4", "::ffff:197.149.1.10", "197.149.1.10"],
    ["a full IPv6 address as its /64", "2c0f:f5c0:0441:0012:0000:0000:0000:0001", "2c0f:f5c0:441:12::/64"],
    ["a compressed IPv6 address as the same /64", "2c0f:f5c0:441:12::9", "2c0f:f5c0:441:12::/64"],
    ["a short prefix filled with zeros", "2c0f::1", "2c0f:0:0:0::/64"],
    ["loopback", "::1", "0:0:0:0::/64"],
    ["a zone index dropped", "fe80::1%eth0", "fe80:0:0:0::/64"],
    ["anything else unchanged", "local", "local"],
  ])("keys %s", (_, address, key) => {
    expect(networkKey(address)).toBe(key);
  });
});

describe("the delay schedule", () => {
  it("is free for the first failures, then doubles from 30 s up to each scope's cap", () => {
    const scope = THROTTLE_POLICY.accountAddress;
    const delays = Array.from({ length: 12 }, (_, failures) => delayAfterSeconds(failures, scope));
    expect(delays).toEqual([0, 0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900]);
    expect(delayAfterSeconds(10_000, THROTTLE_POLICY.account)).toBe(3600);
  });
});

describe("sign-in delays", () => {
  it("delay a known user after five wrong codes, longer each time, and let the right code in after each delay", async () => {
    const secret = await activeAccount();
    for (let i = 0; i < 5; i++) expect((await attempt(T0, "000000")).outcome).toBe("INVALID_CREDENTIALS");
    // While the delay runs even the right code is refused, and nothing more is counted.
    expect(await attempt(T0, await codeAt(secret, T0))).toEqual({ outcome: "AUTH_LOCKED", retry: 30 });
    expect(await attempt(at(T0, 29), "000000")).toEqual({ outcome: "AUTH_LOCKED", retry: 1 });

    // Each further failure waits twice as long, up to the cap: never a lock that outlasts it.
    let now = T0;
    for (const wait of [30, 60, 120, 240, 480, 900, 900]) {
      now = at(now, wait);
      expect((await attempt(at(now, -1), "000000")).outcome).toBe("AUTH_LOCKED");
      expect((await attempt(now, "000000")).outcome).toBe("INVALID_CREDENTIALS");
    }
    expect(await attempt(now, "000000")).toEqual({ outcome: "AUTH_LOCKED", retry: 900 });

    const afterDelay = at(now, 900);
    expect((await attempt(afterDelay, await codeAt(secret, afterDelay))).outcome).toBe("ok");
    // Success clears this network's count, but the account keeps its other twelve failures: signing in
    // hands no fresh guesses to whoever made them (12 failures: 30 s doubled twice).
    expect(await attempt(afterDelay, "000000")).toEqual({ outcome: "AUTH_LOCKED", retry: 120 });
  });

  it("key the first delay on account and network: neighbours behind the same carrier NAT keep signing in", async () => {
    const secret = await activeAccount();
    const attacker = "2c0f:f5c0:441:12::dead";
    for (let i = 0; i < 5; i++) await attempt(T0, "000000", attacker);
    expect((await attempt(T0, "000000", "2c0f:f5c0:441:12::beef")).outcome).toBe("AUTH_LOCKED"); // same /64
    // The owner on another network is not held back by someone else's failures.
    expect((await attempt(T0, await codeAt(secret, T0), "41.82.7.200")).outcome).toBe("ok");
  });

  it("bound an attacker spread over many networks with the account-wide delay", async () => {
    const secret = await activeAccount();
    const free = THROTTLE_POLICY.account.freeFailures;
    for (let i = 0; i < free; i++) {
      expect((await attempt(T0, "000000", `41.82.${i}.1`)).outcome).toBe("INVALID_CREDENTIALS");
    }
    expect(await attempt(T0, "000000", "41.82.200.1")).toEqual({ outcome: "AUTH_LOCKED", retry: 30 });
    // The owner waits out the same delay, then gets in; their success gives back only their own attempt.
    const later = at(T0, 30);
    expect((await attempt(later, await codeAt(secret, later), "41.82.250.1")).outcome).toBe("ok");
    expect((await attempt(later, "000000", "41.82.201.1")).outcome).toBe("AUTH_LOCKED");
  });

  it("forget a network's failures after a quiet day", async () => {
    await activeAccount();
    for (let i = 0; i < 5; i++) await attempt(T0, "000000");
    const nextDay = at(T0, 24 * 3600 + 1);
    for (let i = 0; i < 5; i++) expect((await attempt(nextDay, "000000")).outcome).toBe("INVALID_CREDENTIALS");
    expect((await attempt(nextDay, "000000")).outcome).toBe("AUTH_LOCKED");
  });
});

describe("purgeForgottenThrottles", () => {
  it("drops scopes quiet for a day whose delay is over, and keeps the others", async () => {
    await activeAccount();
    for (let i = 0; i < 5; i++) await attempt(T0, "000000", "41.82.7.1"); // delayed network
    await attempt(T0, "000000", "41.82.7.2");
    const scopes = await db.authThrottle.count();
    expect(await purgeForgottenThrottles(db, at(T0, 3600))).toBe(0);
    // A day later every failure is forgotten; the confirmation's released scope goes too.
    expect(await purgeForgottenThrottles(db, at(T0, 24 * 3600 + 1))).toBe(scopes);
    expect(await db.authThrottle.count()).toBe(0);
  });
});
