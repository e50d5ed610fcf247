/** What a lesson's Markdown sounds like: sections in order, headings spoken, markup and citations dropped. */
import { describe, expect, it } from "vitest";
import { renderLessonMarkdown } from "../src/generation/lesson-markdown.ts";
import { splitSpeechInput } from "../src/tts/openai.ts";
import { joinPcm, pcmDurationMs, SpeechFormatError, wavToPcm } from "../src/tts/pcm.ts";
import { lessonSpeechSections, speakableText } from "../src/tts/speech-text.ts";

describe("lesson speech text", () => {
  it("reads a rendered lesson as one section per heading, title first, without markers or markup", () => {
    const markdown = renderLessonMarkdown(
      {
        title: "Le karité au Burkina Faso",
        introduction: "Le **karité** pousse dans la savane [1]. Les femmes récoltent les noix [2, 3].",
        concepts: [
          {
            title: "La coopérative",
            explanation: "Une *coopérative* vend en commun[^1]. Voir [le guide](https://x.org).",
          },
        ],
        example: {
          title: "Un marché à Bobo-Dioulasso",
          body: "| Produit | Prix |\n|---|---|\n| Beurre | 1 500 FCFA |",
        },
        synthesis: "Le prix suit la saison [4].",
        key_points: ["Point un [1]", "Point deux", "Point trois", "Point quatre", "Point cinq"],
      },
      "fr",
    );
    const sections = lessonSpeechSections(`${markdown}\n[^1]: Source : rapport 2021.\n`);
    expect(sections.map((s) => s.heading)).toEqual([
      "Introduction",
      "Concepts clés",
      "Exemple : Un marché à Bobo-Dioulasso",
      "Synthèse",
      "Points clés",
    ]);
    expect(sections[0]?.text).toBe(
      "Le karité au Burkina Faso.\n\nIntroduction.\n\nLe karité pousse dans la savane. Les femmes récoltent les noix.",
    );
    expect(sections[1]?.text).toBe(
      "Concepts clés.\n\nLa coopérative.\n\nUne coopérative vend en commun. Voir le guide.",
    );
    expect(sections[2]?.text).toContain("Produit, Prix Beurre, 1 500 FCFA");
    expect(sections[4]?.text).toBe("Points clés.\n\nPoint un. Point deux. Point trois. Point quatre. Point cinq.");
    for (const s of sections) expect(s.text).not.toMatch(/\[|\]|\*|#|https?:|Source/);
  });

  it("keeps text before any heading, and a lesson of only a title", () => {
    expect(lessonSpeechSections("Juste un paragraphe.")).toEqual([
      { index: 0, heading: "", text: "Juste un paragraphe." },
    ]);
    expect(lessonSpeechSections("# Titre seul\n")).toEqual([{ index: 0, heading: "Titre seul", text: "Titre seul." }]);
    expect(speakableText("`code` ~~barré~~ <b>gras</b> [12]")).toBe("code barré gras");
  });

  it("takes linear time on hostile input", () => {
    const started = performance.now();
    lessonSpeechSections(`## ${"[".repeat(50_000)}\n${"[1".repeat(50_000)}\n${"](".repeat(50_000)}`);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe("speech plumbing", () => {
  it("cuts long inputs after a sentence, under the limit", () => {
    const text = "Une phrase assez longue pour compter. ".repeat(300);
    const pieces = splitSpeechInput(text, 4096);
    expect(pieces.length).toBeGreaterThan(2);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(4096);
      expect(p.endsWith(".")).toBe(true);
    }
    expect(pieces.join(" ")).toBe(text.trim());
  });

  it("reads a streamed WAV whose sizes are placeholders, and joins PCM with a gap", () => {
    const header = Buffer.alloc(44);
    header.write("RIFF", 0, "ascii");
    header.writeUInt32LE(0x7fffffff, 4);
    header.write("WAVEfmt ", 8, "ascii");
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20);
    header.writeUInt16LE(1, 22);
    header.writeUInt32LE(22_050, 24);
    header.writeUInt32LE(44_100, 28);
    header.writeUInt16LE(2, 32);
    header.writeUInt16LE(16, 34);
    header.write("data", 36, "ascii");
    header.writeUInt32LE(0x7fffffff, 40);
    const pcm = wavToPcm(Buffer.concat([header, Buffer.alloc(22_050 * 2)]));
    expect(pcm.sampleRate).toBe(22_050);
    expect(pcmDurationMs(pcm)).toBe(1000);
    expect(pcmDurationMs(joinPcm([pcm, pcm], 500))).toBe(2500);
  });

  it("refuses a short or malformed WAV with SpeechFormatError, never a RangeError", () => {
    const header = Buffer.alloc(44);
    header.write("RIFF", 0, "ascii");
    header.write("WAVEfmt ", 8, "ascii");
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20);
    header.writeUInt16LE(1, 22);
    header.writeUInt32LE(22_050, 24);
    header.writeUInt16LE(16, 34);
    header.write("data", 36, "ascii");
    const tinyFmt = Buffer.from(header);
    tinyFmt.writeUInt32LE(4, 16);
    for (const wav of [header.subarray(0, 24), header.subarray(0, 30), header.subarray(0, 35), tinyFmt]) {
      expect(() => wavToPcm(wav), String(wav.length)).toThrow(SpeechFormatError);
    }
  });
});
