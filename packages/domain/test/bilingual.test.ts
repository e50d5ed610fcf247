import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { courseLanguages, courseLanguagesColumn, inLanguage } from "../src/bilingual.ts";

describe("inLanguage", () => {
  it("gives the requested language's text when it has one", () => {
    expect(inLanguage("fr", "Santé", "Health")).toBe("Santé");
    expect(inLanguage("en", "Santé", "Health")).toBe("Health");
  });

  it("falls back to the other language when the requested text is missing or blank", () => {
    expect(inLanguage("en", "Santé", "")).toBe("Santé");
    expect(inLanguage("en", "Santé", "   ")).toBe("Santé");
    expect(inLanguage("en", "Santé", null)).toBe("Santé");
    expect(inLanguage("fr", undefined, "Health")).toBe("Health");
    expect(inLanguage("fr", " \n", "Health")).toBe("Health");
  });

  it("returns what there is when neither language has text, and null only when neither has a value", () => {
    expect(inLanguage("fr", "", "")).toBe("");
    expect(inLanguage("en", null, "")).toBe("");
    expect(inLanguage("en", " ", null)).toBe(" ");
    expect(inLanguage("fr", null, null)).toBeNull();
    expect(inLanguage("en", undefined, undefined)).toBeNull();
  });

  it("is never blank while either language has text, and prefers the requested one", () => {
    const text = fc.option(fc.string(), { nil: null });
    fc.assert(
      fc.property(fc.constantFrom("fr" as const, "en" as const), text, text, (lang, fr, en) => {
        const picked = inLanguage(lang, fr, en);
        const asked = lang === "en" ? en : fr;
        const other = lang === "en" ? fr : en;
        if (asked?.trim()) expect(picked).toBe(asked);
        else if (other?.trim()) expect(picked).toBe(other);
        else expect(picked?.trim() ?? "").toBe("");
      }),
    );
  });
});

describe("course languages", () => {
  it("reads every value the courses.languages column accepts as the list the API gives and takes", () => {
    expect(courseLanguages("fr")).toEqual(["fr"]);
    expect(courseLanguages("en")).toEqual(["en"]);
    expect(courseLanguages("fr,en")).toEqual(["fr", "en"]);
    expect(courseLanguages("en,fr")).toEqual(["en", "fr"]);
  });

  it("writes a list back to the same column value, in its order", () => {
    for (const column of ["fr", "en", "fr,en", "en,fr"]) {
      expect(courseLanguagesColumn(courseLanguages(column))).toBe(column);
    }
  });
});
