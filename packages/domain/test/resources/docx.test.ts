/**
 * DOCX structure: headings from Word's styles (Title, heading 1-6) as the outline and "#" lines,
 * numbered and bulleted lists as list lines, tables as rows, body paragraphs as paragraphs; and the
 * walk over mammoth's HTML stays linear on hostile nesting.
 */
import { AppError } from "@sira/contracts";
import { describe, expect, it } from "vitest";
import { htmlToStructuredText, readDocx } from "../../src/resources/docx.ts";
import { extractDocument } from "../../src/resources/extract.ts";
import { DOCX_HANDOUT as HANDOUT } from "./corpus/docx.ts";
import { buildTestDocx } from "./docx-fixture.ts";

describe("readDocx", () => {
  it("takes the outline from Word's Title and heading styles, levels kept, body paragraphs left out", async () => {
    const doc = await readDocx(buildTestDocx(HANDOUT));
    expect(doc.outline).toEqual([
      { title: "Guide de l'agent de santé", level: 1, page: null },
      { title: "1. Le paludisme", level: 1, page: null },
      { title: "1.1 Prévention", level: 2, page: null },
      { title: "Signes d'alerte", level: 3, page: null },
      { title: "2. Doses", level: 1, page: null },
      { title: "Note de bas de tableau", level: 6, page: null },
    ]);
    expect(doc.pageCount).toBeNull();
    expect(doc.pages).toHaveLength(1);
    expect(doc.pages[0]?.page).toBeNull();
  });

  it("writes headings as '#' lines, lists as list lines, tables as rows, paragraphs apart", async () => {
    const doc = await readDocx(buildTestDocx(HANDOUT));
    const blocks = (doc.pages[0]?.text ?? "").split("\n\n");
    expect(blocks).toEqual([
      "# Guide de l'agent de santé",
      "Édition du district, 2025",
      "# 1. Le paludisme",
      "Le paludisme est transmis par la piqûre du moustique anophèle femelle.",
      "## 1.1 Prévention",
      "Trois gestes protègent la famille :",
      [
        "1. Dormir sous une moustiquaire imprégnée",
        "  1. chaque nuit, toute l'année",
        "2. Vider les eaux stagnantes",
        "3. Consulter dès la fièvre",
      ].join("\n"),
      "### Signes d'alerte",
      ["- Fièvre", "- Frissons & sueurs", "  - chez l'enfant : convulsions"].join("\n"),
      "# 2. Doses",
      ["Âge | Poids | Comprimés", "--- | --- | ---", "1 à 5 ans | 10 à 18 kg | 1", "6 à 13 ans | 19 à 35 kg | 2"].join(
        "\n",
      ),
      "###### Note de bas de tableau",
      "La dose est donnée pendant trois jours.",
    ]);
  });

  it("goes through extractDocument, and refuses what is not a DOCX as corrupt", async () => {
    const doc = await extractDocument("docx", buildTestDocx(HANDOUT));
    expect(doc.outline.map((e) => e.level)).toEqual([1, 1, 2, 3, 1, 6]);
    const error = await readDocx(new TextEncoder().encode("PK not really a zip")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("FILE_CORRUPT");
  });
});

describe("htmlToStructuredText", () => {
  it("decodes entities, keeps line breaks in paragraphs and drops footnote back-links", () => {
    const { text, outline } = htmlToStructuredText(
      '<h2>Sel &amp; sucre<br />oral</h2><p>Eau &lt;1 L&gt; &#233;bouillie<br />puis refroidie<sup><a href="#footnote-1" id="footnote-ref-1">[1]</a></sup></p>' +
        '<ol><li id="footnote-1"><p>Selon l&#x2019;OMS. <a href="#footnote-ref-1">↑</a></p></li></ol>',
    );
    expect(outline).toEqual([{ title: "Sel & sucre oral", level: 2, page: null }]);
    expect(text).toBe("## Sel & sucre oral\n\nEau <1 L> ébouillie\npuis refroidie[1]\n\n1. Selon l’OMS.");
  });

  it("reads a table or a list inside a cell as the cell's text, and an empty cell as empty", () => {
    const { text } = htmlToStructuredText(
      "<table><tr><th>Geste</th><th>Quand</th></tr>" +
        "<tr><td><ul><li>laver</li><li>sécher</li></ul></td><td><table><tr><td>matin</td><td>soir</td></tr></table></td></tr>" +
        "<tr><td>boire</td><td></td></tr></table>",
    );
    expect(text).toBe("Geste | Quand\n--- | ---\nlaver sécher | matin soir\nboire |");
  });

  it("walks hostile nesting in linear time, without recursion", () => {
    const depth = 50_000;
    const lists = `${"<ul><li>x".repeat(depth)}${"</li></ul>".repeat(depth)}`;
    const tables = `${"<table><tr><td>y".repeat(depth)}${"</td></tr></table>".repeat(depth)}`;
    const unclosed = "<p>z<b>".repeat(depth);
    const start = performance.now();
    const lines = htmlToStructuredText(lists).text.split("\n");
    expect(lines).toHaveLength(depth);
    expect(lines[2]).toBe("    - x");
    // Indentation stops at Word's ninth level: the text stays linear in the input.
    expect(lines.at(-1)).toBe(`${"  ".repeat(8)}- x`);
    expect(htmlToStructuredText(tables).text).toBe(`y${" y".repeat(depth - 1)}`);
    expect(htmlToStructuredText(unclosed).text).toBe(`z${" z".repeat(depth - 1)}`);
    expect(performance.now() - start).toBeLessThan(5_000);
  });
});
