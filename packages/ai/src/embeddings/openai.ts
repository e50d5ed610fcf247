/**
 * OpenAI embeddings (text-embedding-3-small, 1536 dimensions) through the official SDK. Inputs are
 * sent in batches under the API's limits (2048 inputs, 300k tokens per request; we stay at 250k),
 * and each vector is put back in its input's place by `index`. The SDK retries 429s and 5xx.
 */
import OpenAI from "openai";
import { EMBEDDING_DIMENSIONS } from "../rag/vector-literal.ts";
import { countTokens } from "../text/tokenizer.ts";
import type { Embedder } from "../types.ts";

export const MAX_INPUTS_PER_REQUEST = 2048;
export const MAX_TOKENS_PER_REQUEST = 250_000;
export const MAX_TOKENS_PER_INPUT = 8191;

export class EmbeddingError extends Error {
  override readonly name = "EmbeddingError";
}

export interface OpenAIEmbedderOptions {
  apiKey: string;
  baseURL?: string;
  model?: string;
  dimensions?: number;
  maxRetries?: number;
  timeoutMs?: number;
  /** Defaults to MAX_TOKENS_PER_REQUEST. */
  maxTokensPerRequest?: number;
}

/** Consecutive groups of input positions, each within the per-request input and token limits. */
export function planBatches(
  tokenCounts: number[],
  maxInputs = MAX_INPUTS_PER_REQUEST,
  maxTokens = MAX_TOKENS_PER_REQUEST,
): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let tokens = 0;
  tokenCounts.forEach((count, i) => {
    if (current.length > 0 && (current.length >= maxInputs || tokens + count > maxTokens)) {
      batches.push(current);
      current = [];
      tokens = 0;
    }
    current.push(i);
    tokens += count;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}

export class OpenAIEmbedder implements Embedder {
  readonly model: string;
  readonly dimensions: number;
  private readonly client: OpenAI;
  private readonly maxTokensPerRequest: number;

  constructor(options: OpenAIEmbedderOptions) {
    this.model = options.model ?? "text-embedding-3-small";
    this.dimensions = options.dimensions ?? EMBEDDING_DIMENSIONS;
    this.maxTokensPerRequest = options.maxTokensPerRequest ?? MAX_TOKENS_PER_REQUEST;
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      maxRetries: options.maxRetries ?? 3,
      timeout: options.timeoutMs ?? 60_000,
    });
  }

  async embed(texts: string[]): Promise<number[][]> {
    // The API refuses empty strings; a space embeds as "nothing" just as well.
    const inputs = texts.map((t) => (t.trim() ? t : " "));
    const counts = inputs.map(countTokens);
    const tooLong = counts.findIndex((n) => n > MAX_TOKENS_PER_INPUT);
    if (tooLong >= 0) {
      throw new EmbeddingError(
        `Input ${tooLong} has ${counts[tooLong]} tokens; ${this.model} takes at most ${MAX_TOKENS_PER_INPUT}`,
      );
    }
    const out: number[][] = new Array(texts.length);
    for (const batch of planBatches(counts, MAX_INPUTS_PER_REQUEST, this.maxTokensPerRequest)) {
      const data = await this.request(batch.map((i) => inputs[i] as string));
      for (const item of data) {
        const position = batch[item.index];
        if (position === undefined || item.embedding.length !== this.dimensions) {
          throw new EmbeddingError(
            `${this.model} answered an unexpected embedding (index ${item.index}, ${item.embedding.length} dimensions)`,
          );
        }
        out[position] = item.embedding;
      }
      if (data.length !== batch.length) {
        throw new EmbeddingError(`${this.model} answered ${data.length} embeddings for ${batch.length} inputs`);
      }
    }
    return out;
  }

  private async request(input: string[]): Promise<OpenAI.Embeddings.Embedding[]> {
    try {
      const response = await this.client.embeddings.create({ model: this.model, input, dimensions: this.dimensions });
      return response.data;
    } catch (error) {
      const status = error instanceof OpenAI.APIError && error.status ? ` (HTTP ${error.status})` : "";
      const message = error instanceof Error ? error.message : String(error);
      throw new EmbeddingError(`OpenAI embeddings request failed${status}: ${message}`, { cause: error });
    }
  }
}
