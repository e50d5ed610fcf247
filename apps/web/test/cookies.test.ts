/** When the session cookies carry Secure: by default everywhere but a plain-http app on this machine. */
import { describe, expect, it } from "vitest";
import { secureCookies } from "../src/lib/server/cookies.ts";

const overHttp = { protocol: "http:", forwardedProto: null };

describe("session cookies", () => {
  it("are Secure behind a proxy that terminates TLS without saying so", () => {
    // The app sees plain http from the proxy, and no X-Forwarded-Proto.
    expect(secureCookies(overHttp, { APP_BASE_URL: "https://learn.sira.example" })).toBe(true);
    expect(secureCookies(overHttp, { NODE_ENV: "production" })).toBe(true);
    expect(secureCookies(overHttp, { APP_BASE_URL: "http://192.168.1.20:3000" })).toBe(true);
  });

  it("are Secure whenever the request came over https", () => {
    const env = { APP_BASE_URL: "http://127.0.0.1:3000" };
    expect(secureCookies({ protocol: "https:", forwardedProto: null }, env)).toBe(true);
    expect(secureCookies({ protocol: "http:", forwardedProto: "https" }, env)).toBe(true);
    expect(secureCookies({ protocol: "http:", forwardedProto: "https, http" }, env)).toBe(true);
  });

  it("are not Secure for a plain-http app on this machine (development and the tests)", () => {
    for (const origin of ["http://127.0.0.1:3000", "http://localhost:3000", "http://[::1]:3000"]) {
      expect(secureCookies(overHttp, { APP_BASE_URL: origin })).toBe(false);
    }
  });

  it("follow COOKIE_SECURE when it is set", () => {
    expect(secureCookies(overHttp, { APP_BASE_URL: "http://localhost:3000", COOKIE_SECURE: "true" })).toBe(true);
    expect(secureCookies(overHttp, { APP_BASE_URL: "https://learn.sira.example", COOKIE_SECURE: "false" })).toBe(false);
    expect(secureCookies({ protocol: "https:", forwardedProto: null }, { COOKIE_SECURE: "0" })).toBe(false);
  });
});
