/**
 * Markdown headings are read in linear time: lines built to make a backtracking pattern run for
 * minutes ("# a" + 10,000 spaces + "b") go through the document chunker and the lesson parser at once.
 */
import { describe, expect, it } from "vitest";
import { parseLessonMarkdown } from "../src/generation/lesson-markdown.ts";
import { chunkDocument } from "../src/rag/chunker.ts";
import { detectHeading } from "../src/rag/segments.ts";
import { atxHeading, trimEndWhere } from "../src/text/markdown.ts";

const ATTACKS = [
  `# a${" ".repeat(10_000)}b`,
  `## a${" #".repeat(5_000)}b`,
  `### ${"#".repeat(10_000)}x`,
  `## a${"\t".repeat(10_000)}#${" ".repeat(10_000)}b`,
  `# a${":".repeat(10_000)} `,
];

/** Runs `work` and returns how long it took, in milliseconds. */
function timed(work: () => void): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}

describe("atxHeading", () => {
  it("reads levels 1-6, trims, and drops a closing run of # only after a space", () => {
    expect(atxHeading("# Titre")).toEqual({ level: 1, title: "Titre" });
    expect(atxHeading("###   Les vaccins  ###  ")).toEqual({ level: 3, title: "Les vaccins" });
    expect(atxHeading("## Langage C#")).toEqual({ level: 2, title: "Langage C#" });
    expect(atxHeading("###### six")).toEqual({ level: 6, title: "six" });
    expect(atxHeading("####### sept")).toBeNull();
    expect(atxHeading("#sans espace")).toBeNull();
    expect(atxHeading("# ")).toBeNull();
    expect(atxHeading("#  ##")).toBeNull();
    expect(atxHeading("texte # pas un titre")).toBeNull();
  });

  it("trimEndWhere drops only the trailing characters asked for", () => {
    expect(trimEndWhere("Synthèse :  ", (c) => c === ":" || c === " ")).toBe("Synthèse");
    expect(trimEndWhere("a:b", (c) => c === ":")).toBe("a:b");
  });
});

describe("adversarial heading lines", () => {
  it("are parsed by atxHeading and detectHeading in well under a second", () => {
    const ms = timed(() => {
      for (const line of ATTACKS) {
        atxHeading(line);
        detectHeading(line);
      }
    });
    expect(ms).toBeLessThan(1_000);
    expect(atxHeading(ATTACKS[0] as string)?.title).toMatch(/^a +b$/);
  });

  it("go through the chunker and the lesson parser without stalling", () => {
    const text = `# Paludisme\n\nLa moustiquaire protège la nuit.\n\n${ATTACKS.join("\n\n")}\n`;
    let chunks = 0;
    const chunking = timed(() => {
      chunks = chunkDocument([{ page: null, text }], { outline: [] }).length;
    });
    expect(chunks).toBeGreaterThan(0);
    let issues: string[] = [];
    const parsing = timed(() => {
      issues = parseLessonMarkdown(text).issues;
    });
    expect(issues.length).toBeGreaterThan(0);
    // Generous bounds: the backtracking patterns took minutes on a single one of these lines.
    expect(chunking).toBeLessThan(20_000);
    expect(parsing).toBeLessThan(1_000);
  });
});
