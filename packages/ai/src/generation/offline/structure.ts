/**
 * The offline course structure, read from the documents themselves: level-1 outline entries become
 * modules and level-2 entries their lessons; without an outline, the chapters seen in the excerpts,
 * and failing those, even runs of pages. Offline cannot translate, so a document's own titles serve
 * both languages (the result says so); hours follow the amount of text, Bloom levels rise.
 */
import { BLOOM_LEVELS, type CourseStructure, type Language, type ProposedModule, type TocEntry } from "@sira/contracts";
import { DEFAULT_MAX_MODULES } from "../../prompts/structure.ts";
import type { StructureDocument, StructureInput } from "../../types.ts";
import { clip, collapse, fold, splitSentences } from "./text.ts";

const CHARS_PER_HOUR = 15_000;
const PAGES_PER_PART = 10;
const MAX_UNITS = 20;

interface Section {
  document: StructureDocument;
  title: string;
  /** Generated titles ("Partie 2") are translated; a document's own titles are not. */
  titleEn: string | null;
  units: { title: string; page: number | null }[];
  fromPage: number | null;
  toPage: number | null;
  chars: number;
}

function pageSpan(from: number | null, to: number | null, doc: StructureDocument): number {
  if (from === null || !doc.pageCount) return 0;
  return Math.max(1, (to ?? doc.pageCount) - from + 1);
}

function sectionsFromOutline(doc: StructureDocument): Section[] {
  const top = Math.min(...doc.outline.map((e) => e.level));
  const sections: Section[] = [];
  let current: Section | null = null;
  const entries: TocEntry[] = doc.outline;
  entries.forEach((entry, i) => {
    if (entry.level === top) {
      const next = entries.slice(i + 1).find((e) => e.level === top && e.page !== null);
      current = {
        document: doc,
        title: entry.title.trim(),
        titleEn: null,
        units: [],
        fromPage: entry.page,
        toPage: next?.page != null ? Math.max(entry.page ?? 1, next.page - 1) : doc.pageCount,
        chars: 0,
      };
      sections.push(current);
    } else if (entry.level === top + 1 && current) {
      (current as Section).units.push({ title: entry.title.trim(), page: entry.page });
    }
  });
  return sections;
}

function sectionsFromExcerpts(doc: StructureDocument): Section[] {
  const sections: Section[] = [];
  for (const excerpt of doc.excerpts) {
    const chapter = excerpt.chapter?.trim();
    if (!chapter) continue;
    const last = sections[sections.length - 1];
    if (last && fold(last.title) === fold(chapter)) {
      last.toPage = excerpt.page ?? last.toPage;
      continue;
    }
    if (sections.some((s) => fold(s.title) === fold(chapter))) continue;
    sections.push({
      document: doc,
      title: chapter,
      titleEn: null,
      units: [],
      fromPage: excerpt.page,
      toPage: excerpt.page,
      chars: 0,
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
    return {
      document: doc,
      title: parts > 1 ? `${name} : partie ${k + 1}` : name,
      titleEn: parts > 1 ? `${name}: part ${k + 1}` : null,
      units: [],
      fromPage: from,
      toPage: to,
      chars: 0,
    };
  });
}

function sectionsOf(doc: StructureDocument): Section[] {
  let sections = doc.outline.length ? sectionsFromOutline(doc) : [];
  if (!sections.length) sections = sectionsFromExcerpts(doc);
  if (!sections.length) sections = sectionsFromPages(doc);
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
      units: run.flatMap((s) => (s.units.length ? s.units : [{ title: s.title, page: s.fromPage }])),
      toPage: run.every((s) => s.document === head.document)
        ? (run[run.length - 1]?.toPage ?? head.toPage)
        : head.toPage,
      chars: run.reduce((sum, s) => sum + s.chars, 0),
    });
  }
  return merged;
}

function description(section: Section, language: Language): string {
  const excerpts = section.document.excerpts;
  const inSection = excerpts.filter((x) => x.chapter && fold(x.chapter) === fold(section.title));
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
    const lessons = (section.units.length ? section.units : [{ title: section.title, page: section.fromPage }]).slice(
      0,
      MAX_UNITS - 1,
    );
    const minutes = Math.min(600, Math.max(1, Math.round((hours * 60) / (lessons.length + 1))));
    const units = [
      ...lessons.map((u) => ({
        title_fr: clip(u.title, 200),
        title_en: clip(u.title, 200),
        description_fr: null,
        description_en: null,
        unit_type: "lesson" as const,
        estimated_minutes: minutes,
      })),
      {
        title_fr: clip(QUIZ_TITLE.fr(titleFr), 200),
        title_en: clip(QUIZ_TITLE.en(titleEn), 200),
        description_fr: null,
        description_en: null,
        unit_type: "quiz" as const,
        estimated_minutes: Math.min(600, Math.max(5, Math.round(minutes / 2))),
      },
    ];
    const verbs = OBJECTIVE_VERBS[bloom];
    const targets = lessons.slice(0, 5).map((u) => u.title);
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
            chapters: [section.title, ...section.units.map((u) => u.title)],
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
