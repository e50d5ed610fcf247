/**
 * The offline illustration: a concept map drawn as SVG from the lesson's key concepts. The title
 * sits in a banner, each concept in a numbered card linked to it, in the lesson's language. Every
 * text is escaped and cut to fit; the drawing is 1280 × 960 so that it stays readable scaled to
 * 640 and 320 px wide (the smallest text is about 11 px at 320). The caller rasterises it.
 */
import { clipText } from "@sira/contracts";
import type { Illustration, IllustrationRequest, ImageGenerator } from "./types.ts";

export const DIAGRAM_MODEL = "offline-concept-map";
export const DIAGRAM_WIDTH = 1280;
export const DIAGRAM_HEIGHT = 960;
/** At most six cards: more would not be readable on a phone. */
export const DIAGRAM_MAX_CONCEPTS = 6;

const FONT = "DejaVu Sans, Noto Sans, Arial, Helvetica, sans-serif";
const PALETTE = ["#0f766e", "#b45309", "#1d4ed8", "#9d174d", "#4d7c0f", "#6d28d9"];

/** XML text content and attribute values: the five special characters, and no control characters. */
export function escapeXml(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are not allowed in XML.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/g, "")
      .replace(/[\ud800-\udfff]/g, (ch, at: number, all: string) => {
        const code = ch.charCodeAt(0);
        const next = all.charCodeAt(at + 1);
        const prev = all.charCodeAt(at - 1);
        const paired = code <= 0xdbff ? next >= 0xdc00 && next <= 0xdfff : prev >= 0xd800 && prev <= 0xdbff;
        return paired ? ch : "";
      })
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&apos;")
  );
}

/** Words wrapped into at most `maxLines` lines of `width` characters; an overflow ends with "…". */
export function wrapText(text: string, width: number, maxLines: number): string[] {
  // A word too long for a line breaks after its hyphens first ("Élasticité-" "prix").
  const words = text
    .replace(/\s+/g, " ")
    .trim()
    .split(" ")
    .filter(Boolean)
    .flatMap((word) => (word.length > width && word.includes("-") ? word.split(/(?<=-)/) : [word]));
  const lines: string[] = [];
  let current = "";
  let i = 0;
  for (; i < words.length; i++) {
    let word = words[i] as string;
    if (word.length > width) word = `${clipText(word, width - 1)}…`;
    const candidate = current ? `${current} ${word}` : word;
    if (candidate.length <= width) {
      current = candidate;
      continue;
    }
    lines.push(current);
    current = word;
    if (lines.length === maxLines) break;
  }
  if (lines.length < maxLines && current) {
    lines.push(current);
    current = "";
    i = words.length;
  }
  if (i < words.length || current) {
    const last = lines[maxLines - 1] ?? "";
    lines[maxLines - 1] = `${last.length >= width ? clipText(last, width - 1) : last}…`;
  }
  return lines;
}

/** A short first sentence of an explanation, without Markdown marks or citation numbers. */
function detailOf(text: string | undefined): string {
  if (!text) return "";
  const plain = text
    .replace(/\s*\[\d+(?:\s*,\s*\d+)*\]/g, "")
    .replace(/[*_`#>]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  const end = plain.search(/[.!?](\s|$)/);
  return end > 0 ? plain.slice(0, end + 1) : plain;
}

function textLines(lines: string[], x: number, y: number, size: number, attrs: string): string {
  return lines
    .map(
      (line, k) =>
        `<text x="${x}" y="${y + k * Math.round(size * 1.22)}" font-size="${size}" ${attrs}>${escapeXml(line)}</text>`,
    )
    .join("");
}

const LABELS = {
  fr: { concepts: "Notions clés", none: "Aucune notion" },
  en: { concepts: "Key concepts", none: "No concepts" },
} as const;

/** The concept map as SVG text. */
export function conceptMapSvg(request: IllustrationRequest): string {
  const W = DIAGRAM_WIDTH;
  const H = DIAGRAM_HEIGHT;
  const concepts = request.concepts.filter((c) => c.title.trim()).slice(0, DIAGRAM_MAX_CONCEPTS);
  const labels = LABELS[request.language];
  const title = wrapText(request.title, 34, 2);
  const bannerH = 200;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT}">`,
    `<rect width="${W}" height="${H}" fill="#f8fafc"/>`,
    `<rect x="40" y="32" width="${W - 80}" height="${bannerH - 32}" rx="28" fill="#0f172a"/>`,
    textLines(
      title,
      W / 2,
      title.length === 1 ? 128 : 100,
      54,
      'fill="#ffffff" font-weight="bold" text-anchor="middle"',
    ),
  ];
  const cols = concepts.length <= 2 ? Math.max(1, concepts.length) : concepts.length <= 4 ? 2 : 3;
  const rows = Math.ceil(concepts.length / cols);
  const top = bannerH + 100;
  const gap = 32;
  const cardW = Math.floor((W - 80 - gap * (cols - 1)) / cols);
  const cardH = Math.floor((H - top - 40 - gap * (rows - 1)) / Math.max(1, rows));
  // About 0.6 em a character at 36 px, inside 30 px margins.
  const charsPerLine = Math.max(10, Math.floor((cardW - 60) / 23));
  const cards = concepts.map((concept, k) => {
    const col = k % cols;
    const row = Math.floor(k / cols);
    return { concept, k, x: 40 + col * (cardW + gap), y: top + row * (cardH + gap), row };
  });
  // The map's edges first, so the cards lie over them: the banner to the first row, each card to the one above.
  for (const { x, y, row, k } of cards) {
    const color = PALETTE[k % PALETTE.length] as string;
    const cx = x + cardW / 2;
    const from =
      row === 0
        ? `M ${W / 2} ${bannerH} C ${W / 2} ${bannerH + 50}, ${cx} ${y - 50}, ${cx} ${y}`
        : `M ${cx} ${y - gap} L ${cx} ${y}`;
    parts.push(`<path d="${from}" stroke="${color}" stroke-width="5" fill="none" opacity="0.55"/>`);
  }
  const label = escapeXml(concepts.length ? labels.concepts : labels.none);
  parts.push(
    `<rect x="${W / 2 - 150}" y="${bannerH + 16}" width="300" height="46" rx="23" fill="#e2e8f0"/>`,
    `<text x="${W / 2}" y="${bannerH + 50}" font-size="30" fill="#334155" text-anchor="middle">${label}</text>`,
  );
  for (const { concept, k, x, y } of cards) {
    const color = PALETTE[k % PALETTE.length] as string;
    parts.push(
      `<rect x="${x}" y="${y}" width="${cardW}" height="${cardH}" rx="22" fill="#ffffff" stroke="${color}" stroke-width="6"/>`,
      `<circle cx="${x + 8}" cy="${y + 8}" r="28" fill="${color}"/>`,
      `<text x="${x + 8}" y="${y + 21}" font-size="36" font-weight="bold" fill="#ffffff" text-anchor="middle">${k + 1}</text>`,
    );
    const titleLines = wrapText(concept.title, charsPerLine, 2);
    parts.push(textLines(titleLines, x + 30, y + 64, 36, `fill="${color}" font-weight="bold"`));
    const used = 64 + titleLines.length * 44;
    const room = Math.floor((cardH - used - 10) / 36);
    if (room > 0) {
      const detail = wrapText(detailOf(concept.detail), charsPerLine + 3, Math.min(room, 4));
      parts.push(textLines(detail, x + 30, y + used + 22, 29, 'fill="#334155"'));
    }
  }
  parts.push("</svg>");
  return parts.join("");
}

export function createDiagramGenerator(): ImageGenerator {
  return {
    provider: "offline",
    model: DIAGRAM_MODEL,
    offline: true,
    async illustrate(request, options) {
      options?.signal?.throwIfAborted();
      const svg = conceptMapSvg(request);
      const concepts = request.concepts.map((c) => c.title).join(" | ");
      return {
        bytes: new TextEncoder().encode(svg),
        mimeType: "image/svg+xml",
        prompt: clipText(`concept map: ${request.title} — ${concepts}`, 2_000),
        provider: "offline",
        model: DIAGRAM_MODEL,
      } satisfies Illustration;
    },
  };
}
