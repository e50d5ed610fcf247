/** Where the app sends a learner after sign-in or a language switch: only to its own pages. */
import { describe, expect, it } from "vitest";
import { safeNext } from "../src/lib/paths.ts";

const ORIGIN = "https://sira.example";

describe("safeNext", () => {
  it("keeps a path of this app with its query and fragment", () => {
    expect(safeNext("/modules/m1/lessons/u1?x=1#part", ORIGIN)).toBe("/modules/m1/lessons/u1?x=1#part");
    expect(safeNext(`${ORIGIN}/profile`, ORIGIN)).toBe("/profile");
  });

  it("sends anything that a browser would resolve to another site home", () => {
    // `next=/%5Cevil.example` arrives decoded: the browser reads `\` as `/`.
    for (const next of [
      "/\\evil.example",
      "\\\\evil.example",
      "//evil.example",
      "https://evil.example/x",
      "javascript:alert(1)",
      "/\\/evil.example",
    ])
      expect(safeNext(next, ORIGIN), next).toBe("/");
  });

  it("never answers a path that starts with two slashes (another host for location.assign)", () => {
    for (const next of ["/.//evil.example", "/%2e//evil.example"]) {
      const path = safeNext(next, ORIGIN);
      expect(path.startsWith("//"), `${next} → ${path}`).toBe(false);
      expect(new URL(path, ORIGIN).origin).toBe(ORIGIN);
    }
  });

  it("goes home when there is nothing usable", () => {
    expect(safeNext(undefined, ORIGIN)).toBe("/");
    expect(safeNext("", ORIGIN)).toBe("/");
  });
});
