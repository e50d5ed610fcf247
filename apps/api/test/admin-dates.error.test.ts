/**
 * Dates in requests: PostgreSQL has no year 0000, which ISO-8601 has, so every date a request
 * names is held to the years 1970–2100 and answers 400, never 500. The revenue report's range is
 * bounded like the analytics one.
 */
import { ANALYTICS_MAX_RANGE_DAYS } from "@sira/contracts";
import { signRelayBody } from "@sira/domain";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";

const SECRET = "relay-secret-0123456789abcdef";
const { app, deps } = testApp({ SMS_RELAY_HMAC_SECRET: SECRET });
const send = jsonSender(app, "dates");
beforeEach(resetState);
afterAll(closeTestDeps);

let admin: SignedIn;
beforeEach(async () => {
  admin = await signIn(deps, { role: "admin" });
});

async function expectRefused(res: Response, code = "VALIDATION_FAILED") {
  expect(res.status).toBe(400);
  const problem = (await res.json()) as { code: string };
  expect(problem.code).toBe(code);
}

const YEAR_ZERO_DAY = "0000-06-01";
const YEAR_ZERO = "0000-06-01T00:00:00Z";

describe("dates outside 1970–2100 in a request are a 400", () => {
  const gets: [string, string, string?][] = [
    ["analytics from/to", `/api/v1/admin/analytics?from=${YEAR_ZERO_DAY}&to=0000-06-02`],
    ["analytics from far ahead", "/api/v1/admin/analytics?from=2999-01-01&to=2999-01-02"],
    ["revenue from/to", `/api/v1/admin/revenue?from=${YEAR_ZERO_DAY}&to=0000-06-02`],
    ["audit-log from", `/api/v1/admin/audit-log?from=${YEAR_ZERO}`],
    ["audit-log to", `/api/v1/admin/audit-log?to=${YEAR_ZERO}`],
    ["?since=", `/api/v1/courses/my-enrollments?since=${YEAR_ZERO}`, "INVALID_SINCE"],
  ];
  for (const [name, path, code] of gets) {
    it(`${name}`, async () => {
      await expectRefused(await send(admin, "GET", path), code);
    });
  }

  it('still takes the epoch as ?since= (a client\'s "from the beginning"), with and without milliseconds', async () => {
    for (const since of ["1970-01-01T00:00:00Z", new Date(0).toISOString()]) {
      const res = await send(admin, "GET", `/api/v1/courses/my-enrollments?since=${since}`);
      expect(res.status, since).toBe(200);
      expect(((await res.json()) as { reset: boolean }).reset).toBe(true);
    }
  });

  it("an activation code batch expiring in year 0000", async () => {
    const body = { kind: "credits", credits: 10, count: 1, label: "Lot", expires_at: YEAR_ZERO };
    await expectRefused(await send(admin, "POST", "/api/v1/admin/activation-codes/batches", body));
    expect(await deps.db.activationCode.count()).toBe(0);
  });

  it("an SMS the relay says it received in year 0000", async () => {
    const raw = JSON.stringify({ message_id: "sms-1", sender: "OrangeMoney", body: "Bonjour", received_at: YEAR_ZERO });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await app.request("/api/v1/sms-relay/inbound", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-relay-device": "relay-phone-1",
        "x-relay-timestamp": timestamp,
        "x-relay-signature": signRelayBody(SECRET, timestamp, raw),
      },
      body: raw,
    });
    await expectRefused(res);
  });
});

describe("the revenue report's range", () => {
  const day = (offset: number) => new Date(Date.UTC(2026, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);

  it("refuses `from` after `to`, and more days than the analytics allow", async () => {
    await expectRefused(await send(admin, "GET", `/api/v1/admin/revenue?from=${day(1)}&to=${day(0)}`));
    const long = `/api/v1/admin/revenue?from=${day(0)}&to=${day(ANALYTICS_MAX_RANGE_DAYS)}`;
    await expectRefused(await send(admin, "GET", long));
    await expectRefused(await send(admin, "GET", "/api/v1/admin/revenue?from=1970-01-01&to=2100-12-31"));
  });

  it("answers the longest range allowed, one row a day", async () => {
    const res = await send(
      admin,
      "GET",
      `/api/v1/admin/revenue?from=${day(0)}&to=${day(ANALYTICS_MAX_RANGE_DAYS - 1)}`,
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as { by_day: unknown[] }).by_day).toHaveLength(ANALYTICS_MAX_RANGE_DAYS);
  });
});
