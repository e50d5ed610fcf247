/**
 * What the language model was asked for since a moment, for the operators' metrics: tutor answers
 * from their usage events (tokens and the cost recorded at answer time), generated content
 * (lessons, quizzes, flashcards, case studies) from the token usage stored with each row, priced
 * now with the configured prices. A regenerated row counts its latest generation only; offline
 * answers and generations use no tokens and cost nothing.
 */
import type { Config } from "@sira/infra";
import type { Db } from "@sira/infra/db";

export interface AiUsage {
  /** Tutor answers, or pieces of content generated. */
  results: number;
  inputTokens: number;
  outputTokens: number;
  /** US dollars. */
  costUsd: number;
}

type Totals = { results: number; input_tokens: number; output_tokens: number; cost_micros: number };

const toUsage = (row: Totals | undefined): AiUsage => ({
  results: row?.results ?? 0,
  inputTokens: row?.input_tokens ?? 0,
  outputTokens: row?.output_tokens ?? 0,
  costUsd: (row?.cost_micros ?? 0) / 1_000_000,
});

/** Tutor and generation usage since `since` (two index range scans: events by time, content by update). */
export async function aiUsageSince(
  db: Db,
  config: Pick<Config, "AI_INPUT_PRICE_PER_MTOK_USD" | "AI_OUTPUT_PRICE_PER_MTOK_USD">,
  since: Date,
): Promise<{ tutor: AiUsage; generation: AiUsage }> {
  const [tutor, generation] = await Promise.all([
    db.$queryRaw<Totals[]>`
      SELECT count(*)::float8 AS results,
             coalesce(sum(CASE WHEN jsonb_typeof(metadata->'tokens_in') = 'number'
                               THEN (metadata->>'tokens_in')::numeric END), 0)::float8 AS input_tokens,
             coalesce(sum(CASE WHEN jsonb_typeof(metadata->'tokens_out') = 'number'
                               THEN (metadata->>'tokens_out')::numeric END), 0)::float8 AS output_tokens,
             coalesce(sum(CASE WHEN jsonb_typeof(metadata->'cost_micros') = 'number'
                               THEN (metadata->>'cost_micros')::numeric END), 0)::float8 AS cost_micros
        FROM usage_events
       WHERE occurred_at >= ${since} AND kind = 'tutor_message'`,
    db.$queryRaw<Omit<Totals, "cost_micros">[]>`
      SELECT count(*)::float8 AS results,
             coalesce(sum(CASE WHEN jsonb_typeof(metadata->'usage'->'inputTokens') = 'number'
                               THEN (metadata->'usage'->>'inputTokens')::numeric END), 0)::float8 AS input_tokens,
             coalesce(sum(CASE WHEN jsonb_typeof(metadata->'usage'->'outputTokens') = 'number'
                               THEN (metadata->'usage'->>'outputTokens')::numeric END), 0)::float8 AS output_tokens
        FROM generated_content
       WHERE updated_at >= ${since} AND generated_at >= ${since}`,
  ]);
  const made = generation[0];
  // A price per million tokens in dollars is a price per token in micro-dollars.
  const costMicros =
    (made?.input_tokens ?? 0) * config.AI_INPUT_PRICE_PER_MTOK_USD +
    (made?.output_tokens ?? 0) * config.AI_OUTPUT_PRICE_PER_MTOK_USD;
  return {
    tutor: toUsage(tutor[0]),
    generation: toUsage(made ? { ...made, cost_micros: costMicros } : undefined),
  };
}
