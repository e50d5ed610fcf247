/**
 * The headers every page of the console carries: no framing, no plug-ins, no foreign base or form
 * target, and calls to its own origin and the API only. The browser test reads the policy a running
 * console sends (console.test.ts).
 */
import { describe, expect, it } from "vitest";
import config from "../next.config.ts";
import { consolePolicy } from "../src/lib/server/csp.ts";

async function pageHeaders(): Promise<Record<string, string>> {
  const rules = (await config.headers?.()) ?? [];
  const all = rules.find((rule) => rule.source === "/:path*");
  return Object.fromEntries((all?.headers ?? []).map((h) => [h.key.toLowerCase(), h.value]));
}

function directives(csp: string | undefined): Record<string, string> {
  return Object.fromEntries(
    (csp ?? "")
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name = "", ...values]) => [name, values.join(" ")]),
  );
}

describe("console security headers", () => {
  it("has a content security policy that forbids framing, plug-ins and other origins' scripts", async () => {
    const headers = await pageHeaders();
    const csp = directives(consolePolicy("https://api.sira.example/", false));
    expect(csp["frame-ancestors"]).toBe("'none'");
    expect(csp["object-src"]).toBe("'none'");
    expect(csp["base-uri"]).toBe("'self'");
    expect(csp["form-action"]).toBe("'self'");
    expect(csp["script-src"]?.split(" ")).not.toContain("https:");
    expect(csp["script-src"]?.split(" ")).not.toContain("*");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["cross-origin-opener-policy"]).toBe("same-origin");
    expect(headers["strict-transport-security"]).toMatch(/max-age=\d{7,}/);
  });

  it("lets the browser call the console's own origin and the API it was started with, nothing else", () => {
    expect(directives(consolePolicy("https://api.sira.example/", false))["connect-src"]).toBe(
      "'self' https://api.sira.example",
    );
    expect(directives(consolePolicy("http://10.0.0.5:8000/base", false))["connect-src"]).toBe(
      "'self' http://10.0.0.5:8000",
    );
    expect(directives(consolePolicy("https://api.sira.example", false))["script-src"]).toBe("'self' 'unsafe-inline'");
  });
});
