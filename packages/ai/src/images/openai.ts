/**
 * Illustrations from an OpenAI image model through the official SDK (`images.generate`, answered
 * as base64). The SDK retries 429s and 5xx; a refused key or prompt is an ImageGenerationError.
 */
import OpenAI from "openai";
import { illustrationPrompt } from "./prompt.ts";
import type { Illustration, IllustrationRequest, ImageGenerator } from "./types.ts";

export const DEFAULT_IMAGE_MODEL = "gpt-image-1";

export class ImageGenerationError extends Error {
  override readonly name = "ImageGenerationError";
}

export interface OpenAIImageOptions {
  apiKey: string;
  baseURL?: string;
  model?: string;
  /** The size asked of the model; the caller scales it down to the served widths. */
  size?: "1024x1024" | "1536x1024" | "1024x1536";
  maxRetries?: number;
  timeoutMs?: number;
}

export class OpenAIImageGenerator implements ImageGenerator {
  readonly provider = "openai";
  readonly offline = false;
  readonly model: string;
  private readonly size: NonNullable<OpenAIImageOptions["size"]>;
  private readonly client: OpenAI;

  constructor(options: OpenAIImageOptions) {
    this.model = options.model ?? DEFAULT_IMAGE_MODEL;
    this.size = options.size ?? "1024x1024";
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      maxRetries: options.maxRetries ?? 2,
      timeout: options.timeoutMs ?? 120_000,
    });
  }

  async illustrate(request: IllustrationRequest, options: { signal?: AbortSignal } = {}): Promise<Illustration> {
    const prompt = illustrationPrompt(request);
    let b64: string | undefined;
    try {
      const response = await this.client.images.generate(
        {
          model: this.model,
          prompt,
          n: 1,
          size: this.size,
          // GPT image models always answer base64 and refuse the parameter; DALL·E needs it.
          ...(this.model.startsWith("dall-e") ? { response_format: "b64_json" as const } : {}),
        },
        { signal: options.signal },
      );
      b64 = response.data?.[0]?.b64_json;
    } catch (error) {
      const status = error instanceof OpenAI.APIError && error.status ? ` (HTTP ${error.status})` : "";
      const message = error instanceof Error ? error.message : String(error);
      throw new ImageGenerationError(`OpenAI image request failed${status}: ${message}`, { cause: error });
    }
    if (!b64) throw new ImageGenerationError(`${this.model} answered no image`);
    const bytes = new Uint8Array(Buffer.from(b64, "base64"));
    if (bytes.byteLength === 0) throw new ImageGenerationError(`${this.model} answered an empty image`);
    return { bytes, mimeType: "image/png", prompt, provider: this.provider, model: this.model };
  }
}
