/** What the layout analysis reads of a PDF page: positioned text runs and painted shapes. */

/** The smallest and largest of `values` (a loop: spreading a hostile page's runs overflows the stack). */
export function least(values: Iterable<number>, empty = Number.POSITIVE_INFINITY): number {
  let out = empty;
  for (const v of values) if (v < out) out = v;
  return out;
}

export function most(values: Iterable<number>, empty = Number.NEGATIVE_INFINITY): number {
  let out = empty;
  for (const v of values) if (v > out) out = v;
  return out;
}

/** A run of text as pdf.js gives it, in PDF user space (y grows upwards, baseline at `y`). */
export interface Run {
  text: string;
  x: number;
  y: number;
  width: number;
  /** Font size in points. */
  size: number;
  bold: boolean;
  mono: boolean;
  /** Not horizontal (an axis label, a stamp): never body text. */
  rotated: boolean;
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface RawPage {
  page: number;
  width: number;
  height: number;
  runs: Run[];
  /** Bounding boxes of the painted paths (lines, rectangles, curves) of the page. */
  shapes: Box[];
}

/** Runs of one baseline within one column, left to right. */
export interface Line {
  page: number;
  text: string;
  x0: number;
  x1: number;
  y: number;
  size: number;
  bold: boolean;
  mono: boolean;
  /** Where the line sits in reading order on its page. */
  order: number;
  /** The column's left and right edges (the page's text area for a spanning line). */
  left: number;
  right: number;
  /** The largest gap between two runs of the line, in points. */
  widestGap: number;
  runs: Run[];
  /** Set by the analysis. */
  role?: LineRole;
}

export type LineRole = "furniture" | "figure" | "caption" | "code" | "heading" | "body" | "title";

export type Block =
  | { kind: "heading"; level: number; text: string; page: number }
  | { kind: "title"; text: string; page: number }
  | { kind: "paragraph"; text: string; page: number }
  | { kind: "list-item"; marker: string; text: string; page: number }
  | { kind: "caption"; text: string; page: number }
  | { kind: "code"; text: string; page: number };
