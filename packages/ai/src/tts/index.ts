/**
 * Lesson audio: the `tts` provider. OpenAI speech when OPENAI_API_KEY is set, else espeak-ng
 * offline; either way the speech is encoded here (opusenc, lame) at the bitrates 2G allows.
 */
import type { AudioFormat } from "@sira/contracts";
import type { Config } from "@sira/infra";
import { ENCODER_TOOLS, encodeSpeech } from "./encode.ts";
import { EspeakEngine } from "./espeak.ts";
import { OpenAISpeechEngine } from "./openai.ts";
import { pcmDurationMs } from "./pcm.ts";
import { assertSpeechTools } from "./run-tool.ts";
import type { SpeechEngine, SpeechSynthesizer } from "./types.ts";

export {
  AUDIO_EXTENSIONS,
  AUDIO_MIME_TYPES,
  ENCODER_TOOLS,
  encodeSpeech,
  MP3_BITRATE_KBPS,
  OPUS_BITRATE_KBPS,
} from "./encode.ts";
export { EspeakEngine } from "./espeak.ts";
export {
  MAX_SPEECH_INPUT_CHARS,
  OPENAI_PCM_SAMPLE_RATE,
  OpenAISpeechEngine,
  type OpenAISpeechOptions,
  SpeechProviderError,
  splitSpeechInput,
} from "./openai.ts";
export { joinPcm, type Pcm, pcmDurationMs, SpeechFormatError, wavToPcm } from "./pcm.ts";
export {
  assertSpeechTools,
  runSpeechTool,
  SPEECH_TOOL_PACKAGES,
  type SpeechTool,
  SpeechToolError,
  SpeechToolMissingError,
} from "./run-tool.ts";
export { type LessonSpeechSection, lessonSpeechSections, speakableText } from "./speech-text.ts";
export type { SpeechEngine, SpeechSynthesizer, SpokenAudio } from "./types.ts";

/** An engine plus the local encoders. */
export function speechSynthesizer(engine: SpeechEngine): SpeechSynthesizer {
  return {
    provider: engine.provider,
    voice: (language) => engine.voice(language),
    check: (format: AudioFormat) => assertSpeechTools([...engine.tools, ENCODER_TOOLS[format]]),
    async synthesize(text, { language, format, signal }) {
      const pcm = await engine.speak(text, language, signal);
      return { audio: await encodeSpeech(pcm, format, signal), durationMs: pcmDurationMs(pcm) };
    },
  };
}

export function createSpeechSynthesizer(
  config: Pick<Config, "OPENAI_API_KEY" | "OPENAI_BASE_URL" | "TTS_MODEL" | "TTS_VOICE">,
): SpeechSynthesizer {
  if (!config.OPENAI_API_KEY) return speechSynthesizer(new EspeakEngine());
  return speechSynthesizer(
    new OpenAISpeechEngine({
      apiKey: config.OPENAI_API_KEY,
      baseURL: config.OPENAI_BASE_URL,
      model: config.TTS_MODEL,
      voice: config.TTS_VOICE,
    }),
  );
}
