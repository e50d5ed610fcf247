/** The closing instruction of every JSON prompt: one object of the given shape, nothing else. */
export function jsonOnly(shape: string): string {
  return [
    "Reply with one JSON object only: no Markdown fence, no text before or after it.",
    "Its shape (types in angle brackets):",
    shape,
  ].join("\n");
}
