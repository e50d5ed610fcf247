/**
 * Generated Markdown is shown to learners: raw HTML goes, images become their alt text, and a link
 * keeps its URL only when the sources contain it. The stream filter gives exactly the same text as
 * the one-shot function, however the text is cut into deltas.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createMarkdownSanitizer,
  NO_URLS,
  sanitizeMarkdown,
  sanitizeStrings,
  urlsFromSources,
} from "../src/generation/safe-markdown.ts";

const SOURCES = [
  { text: "Voir le guide de l'OMS : https://www.who.int/fr/news-room/fact-sheets/detail/malaria (2024)." },
  { text: "Écrire à contact@sante.sn ou mailto:contact@sante.sn ; javascript:alert(1) n'est pas un lien." },
];
const urls = urlsFromSources(SOURCES);
const clean = (text: string) => sanitizeMarkdown(text, urls);

describe("sanitizeMarkdown", () => {
  it("removes raw HTML tags and comments, and keeps text and comparisons", () => {
    expect(clean('Le <b>paludisme</b> <script>alert("x")</script>tue.')).toBe('Le paludisme alert("x")tue.');
    expect(clean('<img src=x onerror="alert(1)">Texte<!-- caché -->')).toBe("Texte");
    expect(clean("<div\nonclick=alert(1)>bloc</div>")).toBe("bloc");
    expect(clean("Si x < 5 et y > 2, alors 3 <= 4.")).toBe("Si x < 5 et y > 2, alors 3 <= 4.");
  });

  it("keeps a link only to a URL written in the sources, else its text; images become their alt text", () => {
    const who = "https://www.who.int/fr/news-room/fact-sheets/detail/malaria";
    expect(clean(`Lire [la fiche](${who}) [1].`)).toBe(`Lire [la fiche](${who}) [1].`);
    expect(clean("Lire [la fiche](https://evil.example/phish) [1].")).toBe("Lire la fiche [1].");
    expect(clean(`![carte](${who}) et ![pixel](https://evil.example/t.gif)`)).toBe("carte et pixel");
    expect(clean("[clic](javascript:alert(1))")).toBe("clic");
    expect(clean("[écrire](mailto:contact@sante.sn)")).toBe("[écrire](mailto:contact@sante.sn)");
  });

  it("drops bare URLs, autolinks and reference definitions the sources do not contain", () => {
    const who = "https://www.who.int/fr/news-room/fact-sheets/detail/malaria";
    expect(clean(`Voir ${who}. Ou https://evil.example/x?a=1, puis www.evil.example.`)).toBe(
      `Voir ${who}. Ou , puis .`,
    );
    expect(clean(`<${who}> <https://evil.example>`)).toBe(`<${who}> `);
    expect(
      clean("[guide]: https://evil.example/guide\n[oms]: https://www.who.int/fr/news-room/fact-sheets/detail/malaria"),
    ).toBe("\n[oms]: https://www.who.int/fr/news-room/fact-sheets/detail/malaria");
  });

  it("writes back only the checked URL of a kept link or definition, never what follows it", () => {
    const who = "https://www.who.int/fr/news-room/fact-sheets/detail/malaria";
    // A second URL makes these plain text for CommonMark, and the renderer would autolink it.
    expect(clean(`[fiche](${who} https://evil.example/x)`)).toBe(`[fiche](${who})`);
    expect(clean(`[fiche](<${who}> "https://evil.example/x")`)).toBe(`[fiche](${who})`);
    expect(clean(`[oms]: ${who} https://evil.example/x`)).toBe(`[oms]: ${who}`);
  });

  it("counts a URL as written in the sources only whole, never as a cut-off host", () => {
    expect(clean("[OMS](https://www.who.in/fr) et www.who.in ici")).toBe("OMS et  ici");
    expect(clean("<https://www.who.i>")).toBe("");
    // The sources' own URL, its site, and a shorter path of it stay.
    expect(clean("[site](https://www.who.int) [fr](https://www.who.int/fr/news-room)")).toBe(
      "[site](https://www.who.int) [fr](https://www.who.int/fr/news-room)",
    );
    expect(
      sanitizeMarkdown("Voir https://sante.gouv.sn.", urlsFromSources([{ text: "Site : https://sante.gouv.sn." }])),
    ).toBe("Voir https://sante.gouv.sn.");
    expect(sanitizeMarkdown("Voir https://sante.gouv.s", urlsFromSources([{ text: "https://sante.gouv.sn." }]))).toBe(
      "Voir ",
    );
  });

  it("leaves citation markers and ordinary brackets alone", () => {
    const text = "La hausse des prix [1, 2] (voir [3]) réduit l'épargne [tableau 2].";
    expect(clean(text)).toBe(text);
    expect(sanitizeMarkdown("[a](https://www.who.int/fr)", NO_URLS)).toBe("a");
  });

  it("cleans every string of a JSON value", () => {
    const value = { questions: [{ question: "<i>Quelle</i> dose ?", options: ["[A](https://evil.example)", "B"] }] };
    expect(sanitizeStrings(value, urls)).toEqual({ questions: [{ question: "Quelle dose ?", options: ["A", "B"] }] });
  });

  it("runs in time linear in the text on unclosed brackets and angles", () => {
    const start = performance.now();
    clean(`${"[".repeat(50_000)}${"<a".repeat(50_000)}${"https://".repeat(10_000)}`);
    expect(performance.now() - start).toBeLessThan(10_000);
  });
});

describe("createMarkdownSanitizer", () => {
  const pieces = [
    "Le <b>paludisme</b> ",
    "[la fiche](https://www.who.int/fr/news-room/fact-sheets/detail/malaria)",
    " [2] ",
    "![x](https://evil.example/p.gif)",
    " https://evil.example/a ",
    "www.who.int ",
    "<https://evil.example>",
    "\n[ref]: https://evil.example\n",
    "x < 5 ",
    "h",
    "!",
    "[",
  ];

  it("streams exactly what sanitizeMarkdown gives, wherever the deltas are cut", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 40 }),
        (parts, cuts) => {
          const text = parts.join("");
          const sanitizer = createMarkdownSanitizer(urls);
          let out = "";
          let at = 0;
          for (let i = 0; at < text.length; i += 1) {
            const size = cuts[i % cuts.length] ?? 1;
            out += sanitizer.push(text.slice(at, at + size));
            at += size;
          }
          out += sanitizer.flush();
          expect(out).toBe(clean(text));
          expect(out).not.toContain("evil.example");
          expect(out).not.toContain("<b>");
        },
      ),
      { numRuns: 300 },
    );
  });
});
