/** Which browser calls proxy.ts forwards to the API, judged on the path the API will route. */
import { describe, expect, it } from "vitest";
import { forwarding } from "../src/lib/forwarding.ts";

const API = "http://10.0.0.5:8000";
const route = (path: string, method = "POST") => {
  const [pathname = "", query] = path.split("?");
  return forwarding(pathname, query ? `?${query}` : "", API, method);
};

describe("proxy forwarding", () => {
  it("forwards API calls to the same path on the API", () => {
    const r = route("/api/v1/courses?page=2", "GET");
    expect(r.forward && r.target.href).toBe(`${API}/api/v1/courses?page=2`);
    expect(r.forward && r.bytes).toBe(false);
    expect(route("/trpc/dashboard.get,courses.list?batch=1", "GET").forward).toBe(true);
    expect(route("/trpc/auth.register").forward).toBe(true);
  });

  it("never forwards the routes that hand out tokens, however the path is spelled", () => {
    for (const path of [
      "/api/v1/auth/login",
      "/api/v1/auth/refresh/",
      "/api/v1/auth/%6Cogin",
      "/api/v1/auth/%72efresh",
      "/api/v1/auth/totp/%63onfirm",
      "/api/v1//auth/login",
      "/api/v1/x/%2e%2e/auth/login",
      "/trpc/auth.login",
      "/trpc/auth.refresh?batch=1",
      "/trpc/dashboard.get,auth.confirmTotp?batch=1",
      "/trpc/dashboard.get%2Cauth.login?batch=1",
      "/trpc/auth%2Elogin",
    ])
      expect(route(path).forward, path).toBe(false);
  });

  it("adds the access cookie's token only to GETs that really are image or audio bytes", () => {
    const image = route("/api/v1/images/abc", "GET");
    expect(image.forward && image.bytes).toBe(true);
    expect(route("/api/v1/images/abc", "POST")).toMatchObject({ bytes: false });
    for (const path of ["/api/v1/images/%2e%2e/users/me", "/api/v1/media/%2E%2E/%2e%2e/users/me/export/file"]) {
      const r = route(path, "GET");
      expect(r.forward && r.bytes, path).toBe(false);
    }
  });

  it("forwards nothing that resolves outside /api/v1 and /trpc", () => {
    for (const path of ["/api/v1/%2e%2e/%2e%2e/metrics", "/trpc/%2e%2e/docs"])
      expect(route(path, "GET").forward, path).toBe(false);
  });
});
