/**
 * Text cut by length never ends on the first half of a surrogate pair (an emoji): the half is a
 * lone surrogate, which jsonb refuses and UTF-8 turns into U+FFFD.
 */
import { clipText } from "@sira/contracts";
import { describe, expect, it } from "vitest";
import { clip } from "../src/generation/offline/text.ts";
import { splitSpeechInput } from "../src/tts/openai.ts";

const EMOJI = "😀"; // two UTF-16 units
const LONE = /[\ud800-\udfff]/u;

describe("clipText", () => {
  it("drops an emoji the cut would split, and keeps one that fits", () => {
    expect(clipText(`ab${EMOJI}c`, 3)).toBe("ab");
    expect(clipText(`ab${EMOJI}c`, 4)).toBe(`ab${EMOJI}`);
    expect(clipText(`ab${EMOJI}`, 9)).toBe(`ab${EMOJI}`);
    expect(clipText(EMOJI, 1)).toBe("");
    expect(clipText("abc", 0)).toBe("");
  });

  it("leaves no lone surrogate at any length", () => {
    const text = `x${EMOJI.repeat(6)}y`;
    for (let max = 0; max <= text.length; max += 1) {
      const cut = clipText(text, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(max - cut.length).toBeLessThanOrEqual(1);
      expect(LONE.test(cut)).toBe(false);
    }
  });
});

describe("cuts of generated and spoken text", () => {
  it("the offline generator's clip keeps an emoji at the cut whole or leaves it out", () => {
    // No space to cut at: the cut falls at max - 1 = 5, inside the emoji at 4-5.
    expect(clip(`abcd${EMOJI}efgh`, 6)).toBe("abcd…");
    expect(LONE.test(clip(`abcde${EMOJI}fgh`, 7))).toBe(false);
  });

  it("speech pieces without a space to cut at end on whole characters", () => {
    const pieces = splitSpeechInput(`${"a".repeat(9)}${EMOJI}${"b".repeat(20)}`, 10);
    expect(pieces.join("")).toBe(`${"a".repeat(9)}${EMOJI}${"b".repeat(20)}`);
    for (const piece of pieces) expect(LONE.test(piece)).toBe(false);
  });
});
