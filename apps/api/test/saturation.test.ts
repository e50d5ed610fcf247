/**
 * A saturated pool is load shedding, not a bug: when every connection stays busy past
 * DATABASE_POOL_WAIT_MS, a request answers 503 SERVICE_UNAVAILABLE with Retry-After (a phone
 * retries), never a 500, whether its query runs inside a transaction or on its own.
 */
import { afterAll, describe, expect, it } from "vitest";
import { closeTestDeps, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp({ DATABASE_POOL_MAX: "1", DATABASE_POOL_WAIT_MS: "150" });
afterAll(closeTestDeps);

describe("with every database connection busy", () => {
  it("answers 503 with Retry-After to a query outside a transaction", async () => {
    const learner = await signIn(deps);
    // Holds the pool's only connection for two seconds.
    let held: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => {
      held = resolve;
    });
    const busy = deps.db.$transaction(async (tx) => {
      held();
      await tx.$executeRaw`SELECT pg_sleep(2)`;
    });
    await holding;
    const res = await app.request("/api/v1/users/me", { headers: learner.headers });
    await busy;
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("2");
    expect(((await res.json()) as { code: string }).code).toBe("SERVICE_UNAVAILABLE");
    expect((await app.request("/api/v1/users/me", { headers: learner.headers })).status).toBe(200);
  });
});
