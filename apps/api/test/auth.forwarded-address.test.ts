/**
 * Some proxies write the client's source port into X-Forwarded-For (`203.0.113.7:51234`,
 * `[2001:db8::7]:443`). The API keeps the address alone: the audit trail and the session rows
 * store it, and the rate limit counts the client, not each of its ports.
 */
import { describe, expect, it } from "vitest";
import { clientAddress } from "../src/http/request-context.ts";
import { apiOnPort, signIn } from "./helpers.ts";

const api = apiOnPort({ TRUST_PROXY_HOPS: "1", RATE_LIMIT_PER_MINUTE: "5" });

const post = (path: string, body: unknown, forwardedFor: string) =>
  fetch(`${api.base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
    body: JSON.stringify(body),
  });
const wrongLogin = (forwardedFor: string) =>
  post("/api/v1/auth/login", { email: "nobody@example.org", code: "123456" }, forwardedFor);

describe("a forwarded address with a port", () => {
  it("answers a wrong sign-in with 401, audits the bare address, and counts both ports as one client", async () => {
    const first = await wrongLogin("10.0.0.1:5555");
    expect(first.status).toBe(401);
    expect(((await first.json()) as { code: string }).code).toBe("INVALID_CREDENTIALS");
    expect(first.headers.get("ratelimit-remaining")).toBe("4");

    const second = await wrongLogin("10.0.0.1:5556");
    expect(second.status).toBe(401);
    expect(second.headers.get("ratelimit-remaining")).toBe("3");

    const v6 = await wrongLogin("[2001:db8::7]:443");
    expect(v6.status).toBe(401);
    expect(v6.headers.get("ratelimit-remaining")).toBe("4");

    const audited = await api.deps.db.auditLog.findMany({
      where: { action: "auth.login_failed" },
      select: { ip: true },
    });
    expect(audited.map((a) => a.ip).sort()).toEqual(["10.0.0.1", "10.0.0.1", "2001:db8::7"]);
  });

  it("refreshes a session and stores the bare address on the new token", async () => {
    const user = await signIn(api.deps);
    const res = await post("/api/v1/auth/refresh", { refresh_token: user.refreshToken }, "198.51.100.4:40000");
    expect(res.status).toBe(200);
    const live = await api.deps.db.refreshToken.findFirstOrThrow({ where: { userId: user.userId, revokedAt: null } });
    expect(live.ip).toBe("198.51.100.4");
  });
});

describe("clientAddress", () => {
  it.each([
    ["an IPv4 address and port: the address", "203.0.113.7:51234", "203.0.113.7"],
    ["a bracketed IPv6 address and port: the address", "[2001:db8::7]:443", "2001:db8::7"],
    ["a bracketed IPv6 address alone: the address", "[2001:db8::7]", "2001:db8::7"],
    ["a bare IPv6 address: as is", "2001:db8::7", "2001:db8::7"],
    ["not an address: the socket", "unknown", "10.0.0.5"],
    ["a name with a port: the socket", "proxy.internal:8080", "10.0.0.5"],
    ["hex that is no address: the socket", "abc:def", "10.0.0.5"],
  ])("%s", (_, forwardedFor, expected) => {
    expect(clientAddress(forwardedFor, "10.0.0.5", 1)).toBe(expected);
  });
});
