/**
 * POST /api/v1/auth/logout takes an optional body: a client may send nothing but its bearer token,
 * or name the refresh token of the session to end. tRPC `auth.logout` takes no input the same way
 * (auth.trpc.test.ts).
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, resetState, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const LOGOUT = "/api/v1/auth/logout";
const ME = "/api/v1/users/me";

describe("POST /auth/logout", () => {
  it("ends the session with no body at all, and the token is refused afterwards", async () => {
    const user = await signIn(deps);
    const res = await app.request(LOGOUT, { method: "POST", headers: user.headers });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect((await app.request(ME, { headers: user.headers })).status).toBe(401);
  });

  it("ends the session named by its refresh token in a JSON body", async () => {
    const user = await signIn(deps);
    const res = await app.request(LOGOUT, {
      method: "POST",
      headers: { ...user.headers, "content-type": "application/json" },
      body: JSON.stringify({ refresh_token: user.refreshToken }),
    });
    expect(res.status).toBe(200);
    const refreshed = await app.request("/api/v1/auth/refresh", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refresh_token: user.refreshToken }),
    });
    expect(refreshed.status).toBe(401);
  });

  it("refuses an unknown key in the body with VALIDATION_FAILED and ends nothing", async () => {
    const user = await signIn(deps);
    const res = await app.request(LOGOUT, {
      method: "POST",
      headers: { ...user.headers, "content-type": "application/json" },
      body: JSON.stringify({ everywhere: true }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe("VALIDATION_FAILED");
    expect((await app.request(ME, { headers: user.headers })).status).toBe(200);
  });

  it("is refused without a token", async () => {
    const res = await app.request(LOGOUT, { method: "POST" });
    expect(res.status).toBe(401);
  });
});
