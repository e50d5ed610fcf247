/**
 * Claude through @anthropic-ai/sdk, always streamed (`messages.create({ stream: true })`): text
 * deltas reach the caller as they arrive, usage comes from message_start and message_delta. The SDK
 * retries 408/409/429/5xx (529 overloaded included) with backoff; what still fails becomes
 * GENERATION_FAILED, and an abort surfaces as the signal's reason.
 */
import Anthropic from "@anthropic-ai/sdk";
import { AppError } from "@sira/contracts";
import type { Logger } from "@sira/infra";
import type { LlmClient, LlmRequest, LlmResponse } from "./client.ts";

export interface AnthropicClientOptions {
  apiKey: string;
  model: string;
  baseURL?: string;
  maxRetries?: number;
  timeoutMs?: number;
  logger: Logger;
}

export function createAnthropicClient(options: AnthropicClientOptions): LlmClient {
  const sdk = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseURL ?? null,
    maxRetries: options.maxRetries ?? 2,
    timeout: options.timeoutMs ?? 120_000,
  });
  const log = options.logger;

  async function complete(request: LlmRequest): Promise<LlmResponse> {
    const { signal } = request;
    signal?.throwIfAborted();
    let text = "";
    let model = options.model;
    let stopReason: string | null = null;
    let inputTokens = 0;
    let outputTokens = 0;
    try {
      const stream = await sdk.messages.create(
        {
          model: options.model,
          system: request.system,
          messages: request.messages,
          max_tokens: request.maxTokens,
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          stream: true,
        },
        signal ? { signal } : {},
      );
      for await (const event of stream) {
        switch (event.type) {
          case "message_start":
            model = event.message.model;
            inputTokens = event.message.usage.input_tokens;
            outputTokens = event.message.usage.output_tokens;
            request.onUsage?.({ inputTokens, outputTokens });
            break;
          case "content_block_delta":
            if (event.delta.type === "text_delta") {
              text += event.delta.text;
              request.onText?.(event.delta.text);
            }
            break;
          case "message_delta":
            stopReason = event.delta.stop_reason;
            outputTokens = event.usage.output_tokens;
            request.onUsage?.({ inputTokens, outputTokens });
            break;
        }
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      log.warn({ err: error, model: options.model }, "claude request failed");
      throw new AppError("GENERATION_FAILED", { cause: error });
    }
    if (signal?.aborted) throw signal.reason;
    return { text, model, stopReason, inputTokens, outputTokens };
  }

  return { model: options.model, complete };
}
