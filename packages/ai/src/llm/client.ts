/** What the generator needs from a language model: one streamed completion at a time. */

export interface LlmMessage {
  role: "user" | "assistant";
  content: string;
}

export interface LlmRequest {
  system: string;
  messages: LlmMessage[];
  maxTokens: number;
  temperature?: number;
  signal?: AbortSignal;
  /** Each text delta, in order, as the provider sends it. */
  onText?: (delta: string) => void;
  /** The tokens billed so far, each time the provider reports them (also before an abort or error). */
  onUsage?: (usage: { inputTokens: number; outputTokens: number }) => void;
}

export interface LlmResponse {
  text: string;
  model: string;
  stopReason: string | null;
  inputTokens: number;
  outputTokens: number;
}

export interface LlmClient {
  readonly model: string;
  complete(request: LlmRequest): Promise<LlmResponse>;
}
