/** Character accuracy of recognised text against the text that was printed. */

/** Edit distance (insertions, deletions, substitutions) between two strings, by code point. */
export function levenshtein(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  if (left.length === 0) return right.length;
  if (right.length === 0) return left.length;
  let previous = Array.from({ length: right.length + 1 }, (_, j) => j);
  let current = new Array<number>(right.length + 1).fill(0);
  for (let i = 1; i <= left.length; i += 1) {
    current[0] = i;
    for (let j = 1; j <= right.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (left[i - 1] === right[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    [previous, current] = [current, previous];
  }
  return previous[right.length] ?? 0;
}

/** Runs of whitespace (line breaks, blank lines between paragraphs) as one space. */
export function normaliseWhitespace(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** 1 - distance / expected length, on whitespace-normalised text; can go below 0 for wild output. */
export function characterAccuracy(expected: string, got: string): number {
  const want = normaliseWhitespace(expected);
  const have = normaliseWhitespace(got);
  if (want.length === 0) return have.length === 0 ? 1 : 0;
  return 1 - levenshtein(want, have) / Array.from(want).length;
}
