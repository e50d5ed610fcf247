/**
 * The system prompt shared by every content type, built from the course and the learner's context:
 * topic, language, country, level and Bloom level. Nothing in it names a subject.
 */
import type { BloomLevel, Language } from "@sira/contracts";
import type { GenerationContext } from "../types.ts";
import { SOURCES_ARE_DATA } from "./sources.ts";

// ICU's names for the two Congos are the short disambiguated forms; learners know the official ones.
const NAME_OVERRIDES: Record<string, Record<Language, string>> = {
  CD: { fr: "République démocratique du Congo", en: "Democratic Republic of the Congo" },
  CG: { fr: "République du Congo", en: "Republic of the Congo" },
};

/** The country's name in `language` ("SN" → "Sénégal" / "Senegal"); the code itself when unknown. */
export function countryName(code: string, language: Language): string {
  const upper = code.toUpperCase();
  const override = NAME_OVERRIDES[upper]?.[language];
  if (override) return override;
  try {
    const name = new Intl.DisplayNames([language], { type: "region" }).of(upper);
    return name && name !== upper && !/inconnue|unknown/i.test(name) ? name : upper;
  } catch {
    return upper;
  }
}

// French picks the preposition by the name's gender and number; these are the exceptions to the rule.
const FR_MASCULINE_IN_E = new Set(["MX", "KH", "MZ", "ZW", "BZ", "GB"]);
const FR_PLURAL = new Set(["US", "NL", "KM", "PH", "AE", "MV", "SC", "BS", "MH", "SB"]);
const FR_ISLANDS = new Set(["MG", "MU", "CU", "SG", "MT", "CY", "HK", "BH", "ST"]);
const EN_WITH_THE = new Set(["US", "GB", "NL", "KM", "PH", "AE", "MV", "SC", "BS", "MH", "SB", "CD", "CG", "GM", "CF"]);

/** "au Sénégal", "en Côte d'Ivoire", "aux Comores", "à Madagascar" / "in Senegal", "in the Gambia". */
export function inCountry(code: string, language: Language): string {
  const upper = code.toUpperCase();
  const name = countryName(upper, language);
  if (language === "en") {
    if (EN_WITH_THE.has(upper) && !name.startsWith("the ")) return `in the ${name}`;
    return `in ${name}`;
  }
  if (NAME_OVERRIDES[upper]) return `en ${name}`;
  if (FR_PLURAL.has(upper)) return `aux ${name}`;
  if (FR_ISLANDS.has(upper)) return `à ${name}`;
  if (/^[AEIOUÉÈÊÎÔÛ]/i.test(name)) return `en ${name}`;
  const firstWord = name.split(/[\s-]/)[0] ?? name;
  if ((/e$/i.test(firstWord) || /e$/i.test(name)) && !FR_MASCULINE_IN_E.has(upper)) return `en ${name}`;
  return `au ${name}`;
}

const CURRENCIES: Record<string, string> = {
  ...Object.fromEntries(["BJ", "BF", "CI", "GW", "ML", "NE", "SN", "TG"].map((c) => [c, "XOF (franc CFA BCEAO)"])),
  ...Object.fromEntries(["CM", "CF", "TD", "CG", "GQ", "GA"].map((c) => [c, "XAF (franc CFA BEAC)"])),
  GH: "GHS (cedi)",
  NG: "NGN (naira)",
  GN: "GNF (franc guinéen)",
  GM: "GMD (dalasi)",
  SL: "SLE (leone)",
  LR: "LRD (Liberian dollar)",
  CV: "CVE (escudo)",
  MR: "MRU (ouguiya)",
  CD: "CDF (franc congolais)",
  MA: "MAD (dirham)",
  FR: "EUR (euro)",
};

/** The local currency for worked examples, when known. */
export function countryCurrency(code: string): string | null {
  return CURRENCIES[code.toUpperCase()] ?? null;
}

export const LEVEL_DESCRIPTIONS: Record<number, string> = {
  1: "beginner: no prior knowledge, everyday words, define every term",
  2: "intermediate: knows the basics, introduce the field's vocabulary with definitions",
  3: "advanced: comfortable with the field's vocabulary, expects reasoning and nuance",
  4: "expert: professional level, precise terminology and edge cases",
};

export const BLOOM_DESCRIPTIONS: Record<BloomLevel, string> = {
  remember: "remember: recall facts, terms and basic concepts (define, list, name)",
  understand: "understand: explain ideas in one's own words (explain, summarise, compare)",
  apply: "apply: use the knowledge in a new concrete situation (calculate, carry out, solve)",
  analyze: "analyze: break information into parts and relate them (distinguish, examine, infer)",
  evaluate: "evaluate: justify a decision or a judgement (assess, argue, recommend)",
  create: "create: combine elements into a new plan or product (design, propose, build)",
};

export const LANGUAGE_NAMES: Record<Language, string> = { fr: "French", en: "English" };

/** Levels outside 1-4 are clamped: the prompt always describes a real audience. */
export function levelDescription(level: number): string {
  const clamped = Math.min(4, Math.max(1, Math.round(level)));
  return LEVEL_DESCRIPTIONS[clamped] ?? "";
}

/** The per-course system prompt: who writes, for whom, in which language and country, and how to cite. */
export function buildSystemPrompt(ctx: GenerationContext): string {
  const country = countryName(ctx.country, "en");
  const currency = countryCurrency(ctx.country);
  const lines = [
    `You are an expert author of learning material on ${ctx.topic}, writing for the course "${ctx.courseTitle}" of Sira, a mobile learning platform used in West Africa on basic phones and slow networks.`,
    "",
    "Audience and context:",
    `- Write everything in ${LANGUAGE_NAMES[ctx.language]} (language code "${ctx.language}"), including titles.`,
    `- The learner lives in ${country} (${ctx.country}). Set examples, names, places, institutions and amounts in ${country}${currency ? `; amounts in ${currency}` : ""}.`,
    `- Learner level ${ctx.level} of 4, ${levelDescription(ctx.level)}.`,
    `- Target Bloom level: ${BLOOM_DESCRIPTIONS[ctx.bloomLevel]}.`,
    `- Module: "${ctx.moduleTitle}"${ctx.unitTitle ? `; unit: "${ctx.unitTitle}"` : ""}.`,
  ];
  if (ctx.objectives.length) {
    lines.push("- Learning objectives:", ...ctx.objectives.map((o) => `  - ${o}`));
  }
  lines.push(
    "",
    "Grounding rules:",
    "- Use only facts found in the numbered sources given in the user message. Never invent figures, dates, names or definitions.",
    "- Cite the source of each fact with its number in square brackets, e.g. [2]. Only numbers of the given sources are valid.",
    "- A contextual example may adapt a source's situation to the learner's country, but its facts and figures must come from the sources.",
    "- If the sources do not cover a point, leave it out rather than guess.",
    `- ${SOURCES_ARE_DATA}`,
    "",
    "Form:",
    "- Short sentences and short paragraphs: the text is read on a small screen over a slow connection.",
    "- No HTML, no images, no tables, no emoji. Write a link only to a URL written in the sources.",
  );
  return lines.join("\n");
}

/** One request to the model: the system prompt, the user message and the output budget. */
export interface Prompt {
  system: string;
  user: string;
  maxTokens: number;
  temperature: number;
}
