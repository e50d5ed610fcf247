/**
 * The tutor's language model: Claude when ANTHROPIC_API_KEY is set (its answer streamed as it
 * arrives), else the offline extractive tutor. Both hand their text to `onText` in pieces, so the
 * caller streams, filters and stores them the same way.
 */
import type { Config, Logger } from "@sira/infra";
import { OFFLINE_MODEL } from "../generation/offline/index.ts";
import { createAnthropicClient } from "../llm/anthropic.ts";
import type { LlmClient } from "../llm/client.ts";
import { offlineTutorAnswer } from "./offline-answer.ts";
import { buildTutorPrompt } from "./prompt.ts";
import type { TutorRequest } from "./types.ts";

export interface TutorAnswerOptions {
  budgetTokens: number;
  maxTokens: number;
  signal?: AbortSignal;
  onText: (delta: string) => void;
  /** The provider's billed tokens so far, as it reports them (never offline: nothing is billed). */
  onUsage?: (usage: { inputTokens: number; outputTokens: number }) => void;
}

export interface TutorAnswer {
  text: string;
  model: string;
  offline: boolean;
  inputTokens: number;
  outputTokens: number;
  /** Turns left out of the prompt to keep it within budget. */
  droppedTurns: number;
}

export interface TutorModel {
  readonly model: string;
  readonly offline: boolean;
  /** The language model for memory and summary updates; null offline (rules do that work). */
  readonly llm: LlmClient | null;
  answer(request: TutorRequest, options: TutorAnswerOptions): Promise<TutorAnswer>;
}

/** Words with their following space: the offline answer streams in the pieces a provider would send. */
const PIECE = /\S+\s*/gu;

export function createOfflineTutorModel(): TutorModel {
  return {
    model: OFFLINE_MODEL,
    offline: true,
    llm: null,
    async answer(request, options) {
      const prompt = buildTutorPrompt(request, options.budgetTokens);
      const text = offlineTutorAnswer(request);
      for (const piece of text.match(PIECE) ?? []) {
        options.signal?.throwIfAborted();
        options.onText(piece);
      }
      return {
        text,
        model: OFFLINE_MODEL,
        offline: true,
        inputTokens: prompt.tokens,
        outputTokens: 0,
        droppedTurns: prompt.droppedTurns,
      };
    },
  };
}

export function createClaudeTutorModel(llm: LlmClient): TutorModel {
  return {
    model: llm.model,
    offline: false,
    llm,
    async answer(request, options) {
      const prompt = buildTutorPrompt(request, options.budgetTokens);
      const response = await llm.complete({
        system: prompt.system,
        messages: prompt.messages,
        maxTokens: options.maxTokens,
        temperature: 0.3,
        onText: options.onText,
        ...(options.onUsage ? { onUsage: options.onUsage } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return {
        text: response.text,
        model: response.model,
        offline: false,
        inputTokens: response.inputTokens,
        outputTokens: response.outputTokens,
        droppedTurns: prompt.droppedTurns,
      };
    },
  };
}

/** Claude when configured (sharing `llm` when the caller already built the client), else offline. */
export function createTutorModel(config: Config, logger: Logger, llm?: LlmClient | null): TutorModel {
  if (!config.ANTHROPIC_API_KEY) return createOfflineTutorModel();
  const client =
    llm ??
    createAnthropicClient({
      apiKey: config.ANTHROPIC_API_KEY,
      model: config.ANTHROPIC_MODEL,
      ...(config.ANTHROPIC_BASE_URL ? { baseURL: config.ANTHROPIC_BASE_URL } : {}),
      logger,
    });
  return createClaudeTutorModel(client);
}
