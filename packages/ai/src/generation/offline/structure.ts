/**
 * The offline course structure, read from the documents themselves: the outline's top-level
 * sections become modules and their subsections lessons, all titled by real headings (numbering
 * dropped). With the index's figures, sections too small to stand alone are merged with their
 * neighbours, sections too large are split at their subsections, tiny subsections join the one
 * before, and a quiz closes only modules with enough material. Without an outline: the chapters
 * seen in the excerpts, and failing those, even runs of pages. Offline cannot translate, so a
 * document's own titles serve both languages (the result says so); hours follow the amount of
 * text, Bloom levels rise.
 */
import { BLOOM_LEVELS, type CourseStructure, type Language, type ProposedModule, type TocEntry } from "@sira/contracts";
import { DEFAULT_MAX_MODULES } from "../../prompts/structure.ts";
import type { StructureDocument, StructureInput } from "../../types.ts";
import { clip, collapse, fold, splitSentences } from "./text.ts";

const CHARS_PER_HOUR = 15_000;
const CHARS_PER_TOKEN = 4;
const PAGES_PER_PART = 10;
const MAX_UNITS = 20;
/** A module holds at least this much text (else it is merged with a neighbour) and at most that much (else split at its subsections). */
const MIN_MODULE_TOKENS = 300;
const MAX_MODULE_TOKENS = 6_000;
/** A unit smaller than this joins the unit before it. */
const MIN_UNIT_TOKENS = 40;
/** A module gets a quiz when it holds this much material. */
const QUIZ_MIN_TOKENS = 250;

interface Unit {
  /** The heading as written (cited in books_sources) and as shown (without its numbering). */
  heading: string;
  page: number | null;
  tokens: number;
}

interface Section {
  document: StructureDocument;
  title: string;
  heading: string;
  /** Generated titles ("Partie 2") are translated; a document's own titles are not. */
  titleEn: string | null;
  units: Unit[];
  fromPage: number | null;
  toPage: number | null;
  chars: number;
  /** Tokens of text under the section (its units included); null when the index did not say. */
  tokens: number | null;
}

/** "2.1 Recording Loops" → "Recording Loops", "III. Gestion" → "Gestion": a title as a course shows it. */
export function displayTitle(heading: string): string {
  const stripped = heading
    .trim()
    .replace(/^(?:\d{1,2}(?:\.\d{1,2}){0,4}\.?|[IVXLC]{1,6}\.|[A-Z]\.)\s+(?=\S)/u, "")
    .trim();
  return stripped || heading.trim();
}

function pageSpan(from: number | null, to: number | null, doc: StructureDocument): number {
  if (from === null || !doc.pageCount) return 0;
  return Math.max(1, (to ?? doc.pageCount) - from + 1);
}

/** Tokens under each outline entry, matching the index's chapter runs to the entries in order. */
function tokensPerEntry(doc: StructureDocument): number[] | null {
  if (!doc.sections?.length) return null;
  const sizes = doc.outline.map(() => 0);
  let at = -1;
  for (const run of doc.sections) {
    const chapter = run.chapter ? fold(run.chapter) : null;
    if (chapter !== null) {
      const next = doc.outline.findIndex((e, i) => i > at && fold(e.title.trim()) === chapter);
      if (next >= 0) at = next;
    }
    if (at >= 0) sizes[at] = (sizes[at] ?? 0) + run.tokens;
  }
  return sizes;
}

function sectionsFromOutline(doc: StructureDocument): Section[] {
  const top = Math.min(...doc.outline.map((e) => e.level));
  const sizes = tokensPerEntry(doc);
  const sections: Section[] = [];
  let current: Section | null = null;
  const entries: TocEntry[] = doc.outline;
  entries.forEach((entry, i) => {
    const tokens = sizes?.[i] ?? 0;
    if (entry.level === top) {
      const next = entries.slice(i + 1).find((e) => e.level === top && e.page !== null);
      current = {
        document: doc,
        heading: entry.title.trim(),
        title: displayTitle(entry.title),
        titleEn: null,
        units: [],
        fromPage: entry.page,
        toPage: next?.page != null ? Math.max(entry.page ?? 1, next.page - 1) : doc.pageCount,
        chars: 0,
        tokens: sizes ? tokens : null,
      };
      sections.push(current);
      return;
    }
    const section = current as Section | null;
    if (!section) return;
    if (section.tokens !== null) section.tokens += tokens;
    if (entry.level === top + 1) section.units.push({ heading: entry.title.trim(), page: entry.page, tokens });
    else {
      // Deeper headings count towards the unit they sit in.
      const unit = section.units.at(-1);
      if (unit) unit.tokens += tokens;
    }
  });
  return sections;
}

/** Neighbouring sections too small to stand alone are merged, titled by the largest of them. */
function mergeFragments(sections: Section[]): Section[] {
  if (sections.some((s) => s.tokens === null)) return sections;
  const groups: Section[][] = [];
  let group: Section[] = [];
  const size = (g: Section[]) => g.reduce((sum, s) => sum + (s.tokens ?? 0), 0);
  for (const section of sections) {
    if (group.length && group[0]?.document !== section.document) {
      groups.push(group);
      group = [];
    }
    group.push(section);
    if (size(group) >= MIN_MODULE_TOKENS) {
      groups.push(group);
      group = [];
    }
  }
  if (group.length) {
    const last = groups.at(-1);
    if (last && last[0]?.document === group[0]?.document) last.push(...group);
    else groups.push(group);
  }
  return groups.map((run) => {
    if (run.length === 1) return run[0] as Section;
    const largest = run.reduce((a, b) => ((b.tokens ?? 0) > (a.tokens ?? 0) ? b : a));
    return {
      ...largest,
      units: run.flatMap((s) =>
        s.units.length ? s.units : [{ heading: s.heading, page: s.fromPage, tokens: s.tokens ?? 0 } satisfies Unit],
      ),
      fromPage: run[0]?.fromPage ?? largest.fromPage,
      toPage: run.at(-1)?.toPage ?? largest.toPage,
      tokens: size(run),
    };
  });
}

/** A section past MAX_MODULE_TOKENS becomes several modules at its subsections. */
function splitLarge(section: Section): Section[] {
  if (section.tokens === null || section.tokens <= MAX_MODULE_TOKENS || section.units.length < 2) return [section];
  const parts: Unit[][] = [[]];
  let used = 0;
  for (const unit of section.units) {
    if (used + unit.tokens > MAX_MODULE_TOKENS && (parts.at(-1)?.length ?? 0) > 0) {
      parts.push([]);
      used = 0;
    }
    parts.at(-1)?.push(unit);
    used += unit.tokens;
  }
  return parts.map((units, k) => {
    const first = units[0] as Unit;
    const tokens = units.reduce((sum, u) => sum + u.tokens, 0);
    return {
      ...section,
      heading: k === 0 ? section.heading : first.heading,
      title: k === 0 ? section.title : displayTitle(first.heading),
      units,
      fromPage: k === 0 ? section.fromPage : first.page,
      toPage: parts[k + 1]?.[0]?.page != null ? (parts[k + 1]?.[0]?.page as number) : section.toPage,
      tokens,
    };
  });
}

/** Units too small to teach alone join the unit before them. */
function mergeSmallUnits(units: Unit[]): Unit[] {
  const out: Unit[] = [];
  for (const unit of units) {
    const previous = out.at(-1);
    if (previous && unit.tokens > 0 && unit.tokens < MIN_UNIT_TOKENS) previous.tokens += unit.tokens;
    else out.push({ ...unit });
  }
  return out;
}

function sectionsFromExcerpts(doc: StructureDocument): Section[] {
  const sections: Section[] = [];
  for (const excerpt of doc.excerpts) {
    const chapter = excerpt.chapter?.trim();
    if (!chapter) continue;
    const last = sections[sections.length - 1];
    if (last && fold(last.heading) === fold(chapter)) {
      last.toPage = excerpt.page ?? last.toPage;
      continue;
    }
    if (sections.some((s) => fold(s.heading) === fold(chapter))) continue;
    sections.push({
      document: doc,
      heading: chapter,
      title: displayTitle(chapter),
      titleEn: null,
      units: [],
      fromPage: excerpt.page,
      toPage: excerpt.page,
      chars: 0,
      tokens: null,
    });
  }
  return sections;
}

function sectionsFromPages(doc: StructureDocument): Section[] {
  const name =
    doc.filename
      .replace(/\.[^.]+$/, "")
      .replace(/[_-]+/g, " ")
      .trim() || doc.filename;
  const pages = doc.pageCount ?? 0;
  const parts = Math.max(1, Math.ceil(pages / PAGES_PER_PART));
  return Array.from({ length: parts }, (_, k) => {
    const from = pages ? k * PAGES_PER_PART + 1 : null;
    const to = pages ? Math.min(pages, (k + 1) * PAGES_PER_PART) : null;
    const title = parts > 1 ? `${name} : partie ${k + 1}` : name;
    return {
      document: doc,
      heading: title,
      title,
      titleEn: parts > 1 ? `${name}: part ${k + 1}` : null,
      units: [],
      fromPage: from,
      toPage: to,
      chars: 0,
      tokens: null,
    };
  });
}

function sectionsOf(doc: StructureDocument): Section[] {
  let sections = doc.outline.length ? mergeFragments(sectionsFromOutline(doc)).flatMap(splitLarge) : [];
  if (!sections.length) sections = sectionsFromExcerpts(doc);
  if (!sections.length) sections = sectionsFromPages(doc);
  for (const section of sections) section.units = mergeSmallUnits(section.units);
  if (sections.every((s) => s.tokens !== null)) {
    for (const s of sections) s.chars = (s.tokens ?? 0) * CHARS_PER_TOKEN;
    return sections;
  }
  const spans = sections.map((s) => pageSpan(s.fromPage, s.toPage, doc));
  const totalSpan = spans.reduce((a, b) => a + b, 0);
  sections.forEach((s, i) => {
    s.chars = totalSpan
      ? Math.round((doc.charCount * (spans[i] ?? 0)) / totalSpan)
      : Math.round(doc.charCount / sections.length);
  });
  return sections;
}

/** Merges neighbours until at most `max` sections remain (the first title of each run is kept). */
function fitTo(sections: Section[], max: number): Section[] {
  if (sections.length <= max) return sections;
  const merged: Section[] = [];
  const size = Math.ceil(sections.length / max);
  for (let i = 0; i < sections.length; i += size) {
    const run = sections.slice(i, i + size);
    const [head] = run;
    if (!head) continue;
    merged.push({
      ...head,
      units: run.flatMap((s) =>
        s.units.length ? s.units : [{ heading: s.heading, page: s.fromPage, tokens: s.tokens ?? 0 }],
      ),
      toPage: run.every((s) => s.document === head.document)
        ? (run[run.length - 1]?.toPage ?? head.toPage)
        : head.toPage,
      chars: run.reduce((sum, s) => sum + s.chars, 0),
      tokens: run.every((s) => s.tokens !== null) ? run.reduce((sum, s) => sum + (s.tokens ?? 0), 0) : null,
    });
  }
  return merged;
}

function description(section: Section, language: Language): string {
  const excerpts = section.document.excerpts;
  const headings = new Set([section.heading, ...section.units.map((u) => u.heading)].map(fold));
  const inSection = excerpts.filter((x) => x.chapter && headings.has(fold(x.chapter)));
  const pick =
    inSection.find((x) => x.language === language) ??
    inSection[0] ??
    excerpts.find(
      (x) =>
        x.page !== null &&
        section.fromPage !== null &&
        x.page >= section.fromPage &&
        x.page <= (section.toPage ?? x.page),
    );
  const text = pick ? splitSentences(pick.text).slice(0, 2).join(" ") || collapse(pick.text) : "";
  return clip(text || collapse(section.document.summary) || section.title, 400);
}

const OBJECTIVE_VERBS: Record<(typeof BLOOM_LEVELS)[number], Record<Language, string>> = {
  remember: { fr: "Définir", en: "Define" },
  understand: { fr: "Expliquer", en: "Explain" },
  apply: { fr: "Appliquer", en: "Apply" },
  analyze: { fr: "Analyser", en: "Analyse" },
  evaluate: { fr: "Évaluer", en: "Evaluate" },
  create: { fr: "Concevoir", en: "Design" },
};

const QUIZ_TITLE: Record<Language, (t: string) => string> = {
  fr: (t) => `Quiz : ${t}`,
  en: (t) => `Quiz: ${t}`,
};

export interface OfflineStructure {
  structure: CourseStructure;
  /** Titles and descriptions copied across languages instead of translated. */
  needsTranslation: boolean;
}

export function buildOfflineStructure(input: StructureInput): OfflineStructure {
  const max = Math.min(30, Math.max(1, input.maxModules ?? DEFAULT_MAX_MODULES));
  const sections = fitTo(input.documents.flatMap(sectionsOf), max);
  const n = sections.length;
  let needsTranslation = false;
  const modules: ProposedModule[] = sections.map((section, i) => {
    const bloom =
      BLOOM_LEVELS[Math.min(BLOOM_LEVELS.length - 1, Math.floor((i * Math.min(BLOOM_LEVELS.length, n)) / n))] ??
      "remember";
    const level = 1 + Math.floor((i * Math.min(4, n)) / n);
    const hours = Math.min(200, Math.max(1, Math.round(section.chars / CHARS_PER_HOUR)));
    const titleFr = clip(section.title, 200);
    const titleEn = clip(section.titleEn ?? section.title, 200);
    if (!section.titleEn) needsTranslation = true;
    const lessons = (
      section.units.length
        ? section.units
        : [{ heading: section.heading, page: section.fromPage, tokens: section.tokens ?? 0 }]
    ).slice(0, MAX_UNITS - 1);
    // A quiz needs material to ask about; without the index's figures, every module gets one.
    const quiz = section.tokens === null || section.tokens >= QUIZ_MIN_TOKENS;
    const minutes = Math.min(600, Math.max(1, Math.round((hours * 60) / (lessons.length + (quiz ? 1 : 0)))));
    const lessonUnits = lessons.map((u) => ({
      title_fr: clip(displayTitle(u.heading), 200),
      title_en: clip(displayTitle(u.heading), 200),
      description_fr: null,
      description_en: null,
      unit_type: "lesson" as const,
      estimated_minutes: minutes,
    }));
    const quizUnits = [
      {
        title_fr: clip(QUIZ_TITLE.fr(titleFr), 200),
        title_en: clip(QUIZ_TITLE.en(titleEn), 200),
        description_fr: null,
        description_en: null,
        unit_type: "quiz" as const,
        estimated_minutes: Math.min(600, Math.max(5, Math.round(minutes / 2))),
      },
    ];
    const units = quiz ? [...lessonUnits, ...quizUnits] : lessonUnits;
    const verbs = OBJECTIVE_VERBS[bloom];
    const targets = lessons.slice(0, 5).map((u) => displayTitle(u.heading));
    const descriptionFr = description(section, "fr");
    const descriptionEn = description(section, "en");
    if (descriptionFr === descriptionEn) needsTranslation = true;
    return {
      title_fr: titleFr,
      title_en: titleEn,
      description_fr: descriptionFr,
      description_en: descriptionEn,
      level,
      estimated_hours: hours,
      bloom_level: bloom,
      objectives_fr: targets.map((t) => clip(`${verbs.fr} : ${t}`, 300)),
      objectives_en: targets.map((t) => clip(`${verbs.en}: ${t}`, 300)),
      prerequisites: i > 0 ? [i - 1] : [],
      books_sources: {
        resources: [
          {
            resource_id: section.document.resourceId,
            filename: section.document.filename,
            chapters: [section.heading, ...section.units.map((u) => u.heading)],
            pages:
              section.fromPage !== null
                ? { from: section.fromPage, to: Math.max(section.fromPage, section.toPage ?? section.fromPage) }
                : null,
          },
        ],
      },
      units,
    };
  });
  return { structure: { modules }, needsTranslation };
}
