import type { AudioFormat, Language } from "@sira/contracts";
import type { Pcm } from "./pcm.ts";
import type { SpeechTool } from "./run-tool.ts";

/** Turns text into speech PCM in one voice per language. */
export interface SpeechEngine {
  /** Recorded on the audio row ("espeak-ng", "openai"). */
  readonly provider: string;
  /** Local tools the engine runs (none for a remote one). */
  readonly tools: readonly SpeechTool[];
  /** The voice used for a language, recorded on the audio row and part of its identity. */
  voice(language: Language): string;
  speak(text: string, language: Language, signal?: AbortSignal): Promise<Pcm>;
}

export interface SpokenAudio {
  /** The encoded file (Ogg/Opus or MP3). */
  audio: Buffer;
  durationMs: number;
}

/** The `tts` provider: an engine plus the local encoders. */
export interface SpeechSynthesizer {
  readonly provider: string;
  voice(language: Language): string;
  /** Throws SpeechToolMissingError (naming the Debian package) when a tool `format` needs is missing. */
  check(format: AudioFormat): Promise<void>;
  synthesize(
    text: string,
    options: { language: Language; format: AudioFormat; signal?: AbortSignal },
  ): Promise<SpokenAudio>;
}
