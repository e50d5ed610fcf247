/**
 * OpenAI speech (POST /v1/audio/speech) through the official SDK. It is asked for `pcm` (24 kHz,
 * 16-bit mono, no header) so that the same local encoders set the size of what phones download,
 * whichever engine spoke. Inputs over the API's 4,096 characters are sent in pieces cut at
 * sentence ends and joined. The SDK retries 429s and 5xx.
 */
import { clipText, type Language } from "@sira/contracts";
import OpenAI from "openai";
import { joinPcm, type Pcm } from "./pcm.ts";
import type { SpeechEngine } from "./types.ts";

export const OPENAI_PCM_SAMPLE_RATE = 24_000;
export const MAX_SPEECH_INPUT_CHARS = 4096;

export class SpeechProviderError extends Error {
  override readonly name = "SpeechProviderError";
}

export interface OpenAISpeechOptions {
  apiKey: string;
  baseURL?: string;
  model?: string;
  voice?: string;
  maxRetries?: number;
  timeoutMs?: number;
}

/** `text` in pieces of at most `max` characters, cut after a sentence, else after a space. */
export function splitSpeechInput(text: string, max = MAX_SPEECH_INPUT_CHARS): string[] {
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = clipText(rest, max);
    const sentence = Math.max(
      window.lastIndexOf(". "),
      window.lastIndexOf("\n"),
      window.lastIndexOf("! "),
      window.lastIndexOf("? "),
    );
    const space = window.lastIndexOf(" ");
    const cut = sentence > max / 2 ? sentence + 1 : space > 0 ? space : window.length;
    pieces.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) pieces.push(rest);
  return pieces;
}

export class OpenAISpeechEngine implements SpeechEngine {
  readonly provider = "openai";
  readonly tools = [] as const;
  readonly model: string;
  private readonly voiceName: string;
  private readonly client: OpenAI;

  constructor(options: OpenAISpeechOptions) {
    this.model = options.model ?? "gpt-4o-mini-tts";
    this.voiceName = options.voice ?? "alloy";
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      maxRetries: options.maxRetries ?? 3,
      timeout: options.timeoutMs ?? 120_000,
    });
  }

  voice(_language: Language): string {
    return `openai/${this.model}/${this.voiceName}`;
  }

  async speak(text: string, _language: Language, signal?: AbortSignal): Promise<Pcm> {
    const pieces: Pcm[] = [];
    for (const input of splitSpeechInput(text)) {
      pieces.push({ sampleRate: OPENAI_PCM_SAMPLE_RATE, samples: await this.request(input, signal) });
    }
    return joinPcm(pieces, 250);
  }

  private async request(input: string, signal?: AbortSignal): Promise<Buffer> {
    try {
      const response = await this.client.audio.speech.create(
        { model: this.model, voice: this.voiceName, input, response_format: "pcm" },
        signal ? { signal } : {},
      );
      const samples = Buffer.from(await response.arrayBuffer());
      if (samples.length === 0 || samples.length % 2 !== 0) {
        throw new SpeechProviderError(`${this.model} answered ${samples.length} bytes of 16-bit PCM`);
      }
      return samples;
    } catch (error) {
      if (error instanceof SpeechProviderError) throw error;
      const status = error instanceof OpenAI.APIError && error.status ? ` (HTTP ${error.status})` : "";
      const message = error instanceof Error ? error.message : String(error);
      throw new SpeechProviderError(`OpenAI speech request failed${status}: ${message}`, { cause: error });
    }
  }
}
