/**
 * The offline speech engine: espeak-ng (Debian's espeak-ng, French and English voices built in),
 * text on standard input, a WAV on standard output. Robotic but clear, free, and runs anywhere.
 */
import type { Language } from "@sira/contracts";
import { type Pcm, wavToPcm } from "./pcm.ts";
import { runSpeechTool } from "./run-tool.ts";
import type { SpeechEngine } from "./types.ts";

const VOICES: Record<Language, string> = { fr: "fr", en: "en" };
/** Words per minute: a little slower than espeak-ng's 175, for learners listening in a second language. */
const WORDS_PER_MINUTE = 155;

export class EspeakEngine implements SpeechEngine {
  readonly provider = "espeak-ng";
  readonly tools = ["espeak-ng"] as const;

  voice(language: Language): string {
    return `espeak-ng/${VOICES[language]}`;
  }

  async speak(text: string, language: Language, signal?: AbortSignal): Promise<Pcm> {
    const input = Buffer.from(text, "utf8");
    const wav = await runSpeechTool("espeak-ng", ["-v", VOICES[language], "-s", String(WORDS_PER_MINUTE), "--stdout"], {
      input,
      timeoutMs: 60_000 + input.length * 20,
      ...(signal ? { signal } : {}),
    });
    return wavToPcm(wav);
  }
}
