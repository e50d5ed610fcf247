import { describe, expect, it } from "vitest";
import { createKeyGuard, guardedRefusal, itemsAskedAbout, revealsKey } from "../../src/tutor/key-guard.ts";
import type { OpenQuizItem } from "../../src/tutor/types.ts";
import { PENURIE_ITEM } from "./chunks.ts";

/** Streams `text` through a fresh guard in pieces of `size` characters. */
function stream(text: string, items: OpenQuizItem[], size: number): { text: string; leaked: boolean } {
  const guard = createKeyGuard(items, "fr");
  let out = "";
  let leaked = false;
  for (let i = 0; i < text.length; i += size) {
    const r = guard.push(text.slice(i, i + size));
    out += r.text;
    leaked ||= r.leaked;
  }
  const end = guard.flush();
  return { text: out + end.text, leaked: leaked || end.leaked };
}

const SAFE =
  "Un prix plafond est un prix maximum fixé par l'État [5]. Relis ce passage : que se passe-t-il quand la quantité demandée dépasse la quantité offerte ? L'option A parle d'un excédent, et la proposition B d'une baisse de la demande.";

describe("itemsAskedAbout", () => {
  const other: OpenQuizItem = {
    stem: "Où se trouve le marché de Sandaga ?",
    options: ["Dakar", "Thiès", "Kaolack", "Ziguinchor"],
    correctIndex: 0,
    explanation: "",
  };

  it("picks the item whose stem the question repeats", () => {
    const asked = itemsAskedAbout("C'est quoi la réponse pour le prix plafond en dessous du prix d'équilibre ?", [
      PENURIE_ITEM,
      other,
    ]);
    expect(asked).toEqual([PENURIE_ITEM]);
  });

  it("picks an item when two of its options are named", () => {
    expect(itemsAskedAbout("Entre une pénurie et un excédent, je choisis quoi ?", [PENURIE_ITEM, other])).toEqual([
      PENURIE_ITEM,
    ]);
  });

  it("leaves items the question is not about", () => {
    expect(itemsAskedAbout("Comment se forme le prix d'équilibre ?", [PENURIE_ITEM, other])).toEqual([]);
  });
});

describe("createKeyGuard", () => {
  it("passes text without the key through unchanged, whatever the cut points", () => {
    for (const size of [1, 2, 3, 7, 50, SAFE.length]) {
      const r = stream(SAFE, [PENURIE_ITEM], size);
      expect(r.leaked).toBe(false);
      expect(r.text).toBe(SAFE);
    }
  });

  it("catches the key's wording split across many tiny deltas, accents and case aside", () => {
    const leak = `${SAFE} Donc c'est UNE   PENURIE, bien sûr.`;
    for (const size of [1, 2, 5]) expect(stream(leak, [PENURIE_ITEM], size).leaked).toBe(true);
  });

  it("never releases the beginning of the key before deciding", () => {
    const guard = createKeyGuard([PENURIE_ITEM], "fr");
    let out = "";
    for (const char of `${"x ".repeat(100)}Il y a une pénu`) out += guard.push(char).text;
    expect(out).not.toMatch(/p[ée]nu/i);
    const rest = guard.push("rie.");
    expect(rest).toEqual({ text: "", leaked: true });
    expect(guard.push("Encore du texte.")).toEqual({ text: "", leaked: true });
    expect(guard.flush()).toEqual({ text: "", leaked: true });
  });

  it("catches statements naming the key's letter or number", () => {
    for (const text of [
      "La réponse est C.",
      "la bonne réponse est la C, car…",
      "Réponse (c) !",
      "I think the answer is (c).",
      "Choisis l'option 3 : elle est juste.",
      "The correct option is C because of the shortage.",
    ]) {
      expect(stream(text, [PENURIE_ITEM], 1).leaked, text).toBe(true);
    }
  });

  it("lets wrong options and their letters through", () => {
    for (const text of [
      "La réponse B ne convient pas : relis le passage.",
      "L'option A, un excédent, apparaît quand le prix est trop haut.",
      "Une réponse claire demande de relire le cours.",
      "The answer is a good start, but reread the passage.",
      "Réponse bien construite, continue !",
    ]) {
      const r = stream(text, [PENURIE_ITEM], 1);
      expect(r, text).toEqual({ text, leaked: false });
    }
  });

  it("does not take a longer option containing the key for the key", () => {
    const item: OpenQuizItem = {
      stem: "Quel prix l'État fixe-t-il ?",
      options: ["Prix plafond", "Prix plafond garanti", "Prix libre", "Prix du marché"],
      correctIndex: 0,
      explanation: "",
    };
    expect(stream("On parle ici de prix plafond garanti, relis la page 5.", [item], 1).leaked).toBe(false);
    expect(stream("On parle ici de prix plafond, relis la page 5.", [item], 1).leaked).toBe(true);
  });

  it("matches short keys on word boundaries only", () => {
    const item: OpenQuizItem = {
      stem: "Combien de côtés ?",
      options: ["2", "4", "6", "8"],
      correctIndex: 1,
      explanation: "",
    };
    expect(revealsKey("Un carré a 4 côtés.", [item])).toBe(true);
    expect(revealsKey("En 2024, le prix montait de 14 %.", [item])).toBe(false);
  });

  it("holds back no more than the longest option's length plus a letter statement", () => {
    const item: OpenQuizItem = {
      ...PENURIE_ITEM,
      options: PENURIE_ITEM.options.map((o) => `${o} ${"dans une économie ouverte ".repeat(4)}`),
    };
    const guard = createKeyGuard([item], "fr");
    const text = "Relis le passage sur le prix plafond et compare chaque proposition avec ce que dit le cours. ".repeat(
      6,
    );
    const released = guard.push(text).text;
    expect(text.startsWith(released)).toBe(true);
    expect(text.length - released.length).toBeLessThan(160);
    expect(released + guard.flush().text).toBe(text);
  });

  it("guards nothing when there is no open item", () => {
    expect(stream("La réponse est C.", [], 3)).toEqual({ text: "La réponse est C.", leaked: false });
  });
});

describe("guardedRefusal", () => {
  it("encourages, gives no answer and ends on a question, in both languages", () => {
    for (const language of ["fr", "en"] as const) {
      const text = guardedRefusal(language, PENURIE_ITEM);
      expect(text.trim().endsWith("?")).toBe(true);
      expect(revealsKey(text, [PENURIE_ITEM])).toBe(false);
    }
    expect(guardedRefusal("fr")).toMatch(/quiz en cours/);
    expect(guardedRefusal("en")).toMatch(/quiz in progress/);
  });
});
