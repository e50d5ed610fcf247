/**
 * Markdown read by hand, in time linear in the line: documents and model output are untrusted, and
 * a backtracking pattern such as /^#\s+(.+?)\s*#*\s*$/ takes minutes on "# a" + 10,000 spaces + "b".
 */

export interface AtxHeading {
  /** 1 for "#", 6 for "######". */
  level: number;
  /** The heading text, trimmed, without its closing "#" sequence. */
  title: string;
}

const isSpace = (ch: string | undefined): boolean => ch !== undefined && /\s/.test(ch);

/** "## Title ##" → { level: 2, title: "Title" }; null when the line is not an ATX heading. */
export function atxHeading(line: string): AtxHeading | null {
  let level = 0;
  while (level < line.length && line[level] === "#") level += 1;
  if (level < 1 || level > 6 || !isSpace(line[level])) return null;
  let title = line.slice(level).trim();
  let end = title.length;
  while (end > 0 && title[end - 1] === "#") end -= 1;
  // A closing run of "#" counts only after a space ("# C#" keeps its "#").
  if (end < title.length && (end === 0 || isSpace(title[end - 1]))) title = title.slice(0, end).trimEnd();
  return title ? { level, title } : null;
}

/** `text` without trailing characters that `drop` accepts (a loop, where /[…]+$/ is quadratic). */
export function trimEndWhere(text: string, drop: (ch: string) => boolean): string {
  let end = text.length;
  while (end > 0 && drop(text[end - 1] as string)) end -= 1;
  return text.slice(0, end);
}
