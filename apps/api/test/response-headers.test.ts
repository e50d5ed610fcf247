/**
 * The headers the pipeline adds to every answer are the same in process and on the wire (where
 * they are written onto Node's response); the API's HTML pages get exactly Hono's `secureHeaders`
 * with the API's options, every other answer the short REST set; CORS headers only for an allowed
 * Origin.
 */
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { describe, expect, it } from "vitest";
import { SECURITY_HEADERS, SECURITY_HEADERS_HTML } from "../src/http/response-headers.ts";
import { apiOnPort } from "./helpers.ts";

const api = apiOnPort();
const ORIGIN = "http://localhost:3000";

/** The headers the pipeline owns: everything but the date, connection and the answer's own. */
function pipelineHeaders(headers: Headers): Record<string, string> {
  const skip = new Set(["date", "connection", "keep-alive", "content-length", "x-request-id"]);
  return Object.fromEntries([...headers].filter(([name]) => !skip.has(name)));
}

describe("response headers", () => {
  it("match Hono's secureHeaders for the API's options", async () => {
    const reference = new Hono()
      .use(
        secureHeaders({
          contentSecurityPolicy: {
            defaultSrc: ["'self'"],
            scriptSrc: ["'self'"],
            styleSrc: ["'self'", "'unsafe-inline'"],
            imgSrc: ["'self'", "data:"],
            frameAncestors: ["'none'"],
          },
          strictTransportSecurity: "max-age=31536000; includeSubDomains",
          crossOriginResourcePolicy: "cross-origin",
        }),
      )
      .get("/", (c) => c.body(null, 204));
    const expected = Object.fromEntries((await reference.request("/")).headers);
    expect(Object.fromEntries(SECURITY_HEADERS_HTML)).toEqual(expected);
    const docs = await fetch(`${api.base}/docs`);
    for (const [name, value] of SECURITY_HEADERS_HTML) expect(docs.headers.get(name)).toBe(value);
  });

  it("are the short REST set on JSON answers, with nothing of the HTML set left over", async () => {
    const res = await fetch(`${api.base}/api/v1/courses`);
    for (const [name, value] of SECURITY_HEADERS) expect(res.headers.get(name)).toBe(value);
    for (const name of ["x-xss-protection", "x-download-options", "origin-agent-cluster", "x-dns-prefetch-control"]) {
      expect(res.headers.get(name)).toBeNull();
    }
  });

  it.each([
    ["/health", {}],
    ["/api/v1/courses", {}],
    ["/api/v1/courses", { origin: ORIGIN, "accept-encoding": "gzip" }],
    ["/api/v1/dashboard", { origin: ORIGIN }],
    ["/api/v1/nowhere", { origin: "https://elsewhere.example" }],
  ] as const)("are the same in process and on the wire: GET %s %j", async (path, headers) => {
    const inProcess = await api.app.request(path, { headers });
    const onWire = await fetch(`${api.base}${path}`, { headers });
    expect(onWire.status).toBe(inProcess.status);
    expect(pipelineHeaders(onWire.headers)).toEqual(pipelineHeaders(inProcess.headers));
    expect(onWire.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    for (const [name, value] of SECURITY_HEADERS) expect(onWire.headers.get(name)).toBe(value);
    const origin = (headers as { origin?: string }).origin;
    expect(onWire.headers.get("access-control-allow-credentials")).toBe(origin === ORIGIN ? "true" : null);
    expect(onWire.headers.get("vary")).toContain("Origin");
  });

  it("name the allowed origin only", async () => {
    const allowed = await fetch(`${api.base}/health`, { headers: { origin: ORIGIN } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(allowed.headers.get("vary")).toContain("Origin");
    const other = await fetch(`${api.base}/health`, { headers: { origin: "https://elsewhere.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    expect(other.headers.get("access-control-allow-credentials")).toBeNull();
    const listed = await fetch(`${api.base}/api/v1/courses`, { headers: { origin: ORIGIN } });
    expect(listed.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(listed.headers.get("access-control-expose-headers")).toContain("ETag");
  });
});
