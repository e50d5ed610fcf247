/** Where the console sends a member of staff after sign-in: only to its own pages. */
import { describe, expect, it } from "vitest";
import { safeNext } from "../src/lib/paths.ts";

const ORIGIN = "https://admin.sira.example";

describe("safeNext (console)", () => {
  it("keeps a path of the console with its query and fragment", () => {
    expect(safeNext("/courses/c1/content?tab=2#m", ORIGIN)).toBe("/courses/c1/content?tab=2#m");
    expect(safeNext(`${ORIGIN}/audit`, ORIGIN)).toBe("/audit");
  });

  it("sends anything a browser would resolve to another site to the course list", () => {
    // `?next=/%5Cevil.example` reaches the page decoded: the browser reads `\` as `/`.
    for (const next of [
      "/\\evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "//evil.example",
      "https://evil.example/x",
      "javascript:alert(1)",
    ])
      expect(safeNext(next, ORIGIN), JSON.stringify(next)).toBe("/courses");
  });

  it("never answers a path that starts with two slashes", () => {
    for (const next of ["/.//evil.example", "/%2e//evil.example"]) {
      const path = safeNext(next, ORIGIN);
      expect(path.startsWith("//"), `${next} → ${path}`).toBe(false);
      expect(new URL(path, ORIGIN).origin).toBe(ORIGIN);
    }
  });

  it("goes to the course list when there is nothing usable", () => {
    expect(safeNext(null, ORIGIN)).toBe("/courses");
    expect(safeNext("", ORIGIN)).toBe("/courses");
  });
});
