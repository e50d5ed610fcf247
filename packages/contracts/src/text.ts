/** Cutting text by length without breaking a character PostgreSQL's jsonb (and UTF-8) must keep whole. */

/**
 * At most `max` UTF-16 units of `text`: one fewer when the cut would keep the first half of a
 * surrogate pair (an emoji, a rare CJK character), which no jsonb value takes and UTF-8 turns into
 * U+FFFD. Every cut of user or document text by length goes through here.
 */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = Math.max(0, Math.floor(max));
  const last = text.charCodeAt(end - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? end - 1 : end);
}
