/** Retrieved chunks as the model sees them: numbered [1]..[n] with where each comes from. */
import type { RetrievedChunk } from "../types.ts";

function origin(chunk: RetrievedChunk): string {
  const parts = [chunk.source];
  if (chunk.chapter) parts.push(`chapter "${chunk.chapter}"`);
  if (chunk.page !== null) parts.push(`page ${chunk.page}`);
  parts.push(`language ${chunk.language}`);
  return parts.join(", ");
}

/** The sources block of a user message; the numbers are the only valid citation markers. */
export function formatSources(chunks: RetrievedChunk[]): string {
  const blocks = chunks.map((chunk, i) => `[${i + 1}] (${origin(chunk)})\n${chunk.text.trim()}`);
  return [
    `Sources (${chunks.length}), numbered [1] to [${chunks.length}]:`,
    "<sources>",
    blocks.join("\n\n"),
    "</sources>",
  ].join("\n");
}
